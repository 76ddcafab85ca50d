package io.chatmesh.launcher;

import java.security.SecureRandom;

/**
 * The fuzz suite's seed: fixed unless asked otherwise, so CI runs the same inputs every time.
 * {@code -Dchatmesh.fuzz.seed=random} picks one, {@code -Dchatmesh.fuzz.seed=<n>} replays one;
 * either way the seed is printed and named by every failure.
 */
record FuzzSeed(long value) {

    static final String PROPERTY = "chatmesh.fuzz.seed";
    /** The seed CI runs with. */
    static final long FIXED = 7_2024_0607L;

    /** From the system property (see the class comment). */
    static FuzzSeed fromSystemProperty() {
        String configured = System.getProperty(PROPERTY, "").trim();
        long value;
        if (configured.isEmpty()) {
            value = FIXED;
        } else if (configured.equalsIgnoreCase("random")) {
            value = new SecureRandom().nextLong();
        } else {
            try {
                value = Long.parseLong(configured);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(PROPERTY + " must be 'random' or a number, got '" + configured + "'");
            }
        }
        return new FuzzSeed(value);
    }

    /** The seed and how to replay it, for the test output. */
    String announcement() {
        return "chatmesh fuzz " + this + " (replay: -D" + PROPERTY + "=" + value + ")";
    }

    /** A count from a system property (e.g. more events when run by hand), else the default. */
    static int count(String property, int defaultCount) {
        String configured = System.getProperty(property, "").trim();
        return configured.isEmpty() ? defaultCount : Integer.parseInt(configured);
    }

    /** The same failure, its message prefixed with the seed so it can be replayed. */
    AssertionError withSeed(Throwable failure) {
        AssertionError named = new AssertionError(this + ": " + failure.getMessage(), failure);
        named.setStackTrace(failure.getStackTrace());
        return named;
    }

    @Override
    public String toString() {
        return "seed " + value;
    }
}
