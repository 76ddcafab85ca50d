package io.chatmesh.user.domain;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

final class Times {

    private Times() {}

    /** Now at PostgreSQL's precision, so what is returned equals what is read back later. */
    static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
