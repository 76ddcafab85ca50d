package io.chatmesh.bench;

/**
 * A member of room 0 who sends as fast as the server answers, keeping up to {@code window}
 * sends in flight: each answer (Ack or refusal) releases the next send. Its stamps are the
 * actual send times.
 */
final class Flooder {

    private final Sender sender;
    private final int window;
    private boolean stopped;

    Flooder(Sender sender, int window) {
        this.sender = sender;
        this.window = window;
        sender.onAnswer(this::sendOne);
    }

    void start() {
        for (int i = 0; i < window; i++) {
            sendOne();
        }
    }

    /** After this returns nothing more is sent. */
    synchronized void stop() {
        stopped = true;
    }

    // Answers arrive on a transport thread while start() may still be filling the window:
    // the lock keeps sends on the stream one at a time (contended only at the start).
    private synchronized void sendOne() {
        if (!stopped) {
            sender.send(System.nanoTime());
        }
    }
}
