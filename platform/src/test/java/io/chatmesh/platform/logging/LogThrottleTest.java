package io.chatmesh.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10), now::get);

    @Test
    void oneLinePerIntervalGetsThroughSayingHowManyWereHeldBack() {
        assertThat(throttle.admit()).as("the first at once").isZero();
        assertThat(throttle.admit()).isEqualTo(-1);
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(throttle.admit()).isEqualTo(-1);

        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(throttle.admit()).as("held back before it").isEqualTo(2);
        assertThat(throttle.admit()).isEqualTo(-1);

        now.addAndGet(Duration.ofMinutes(5).toNanos());
        assertThat(throttle.admit()).isEqualTo(1);
        assertThat(throttle.admit()).isEqualTo(-1);
    }

    @Test
    void theLineLetThroughNamesWhatWasHeldBackIfAnything() {
        assertThat(LogThrottle.heldBackNote(0)).isEmpty();
        assertThat(LogThrottle.heldBackNote(3)).contains("3");
    }

    @Test
    void warnLogsTheLinesLetThroughWithTheNoteBeforeAnyStackTrace() {
        Logger log = (Logger) LoggerFactory.getLogger("LogThrottleTest.warn");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try {
            throttle.warn(log, "store down in room {}", "r1", new IllegalStateException("down"));
            throttle.warn(log, "store down in room {}", "r2", new IllegalStateException("down"));
            now.addAndGet(Duration.ofSeconds(10).toNanos());
            throttle.warn(log, "store down in room {}", "r3");
        } finally {
            log.detachAppender(lines);
        }

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("store down in room r1", "store down in room r3" + LogThrottle.heldBackNote(1));
        assertThat(lines.list.get(0).getThrowableProxy()).as("the stack trace kept").isNotNull();
        assertThat(lines.list.get(1).getThrowableProxy()).isNull();
    }
}
