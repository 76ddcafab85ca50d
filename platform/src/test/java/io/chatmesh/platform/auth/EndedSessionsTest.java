package io.chatmesh.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EndedSessionsTest {

    private final EndedSessions sessions = new EndedSessions();

    @Test
    void endingASessionRunsItsWatchersOnceAndRefusesItFromThenOn() {
        AtomicInteger phone = new AtomicInteger();
        AtomicInteger laptop = new AtomicInteger();
        AtomicInteger otherSession = new AtomicInteger();
        sessions.watch("s1", phone::incrementAndGet);
        sessions.watch("s1", laptop::incrementAndGet);
        sessions.watch("s2", otherSession::incrementAndGet);

        sessions.end("s1");
        sessions.end("s1");

        assertThat(phone).hasValue(1);
        assertThat(laptop).hasValue(1);
        assertThat(otherSession).hasValue(0);
        assertThat(sessions.isEnded("s1")).isTrue();
        assertThat(sessions.isEnded("s2")).isFalse();
    }

    @Test
    void watchingAnEndedSessionRunsAtOnceAndAStoppedWatchNeverRuns() {
        sessions.end("s1");
        AtomicInteger late = new AtomicInteger();
        sessions.watch("s1", late::incrementAndGet);
        assertThat(late).hasValue(1);

        AtomicInteger stopped = new AtomicInteger();
        sessions.watch("s2", stopped::incrementAndGet).run();
        sessions.end("s2");
        assertThat(stopped).hasValue(0);
    }

    @Test
    void tokensWithoutASessionNeverEnd() {
        AtomicInteger watcher = new AtomicInteger();
        sessions.watch("", watcher::incrementAndGet);
        sessions.end("");
        assertThat(sessions.isEnded("")).isFalse();
        assertThat(watcher).hasValue(0);
    }
}
