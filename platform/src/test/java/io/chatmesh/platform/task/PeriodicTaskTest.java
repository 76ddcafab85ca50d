package io.chatmesh.platform.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTaskTest {

    @Test
    void runsAtStartAndEveryIntervalAndKeepsRunningAfterAFailure() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch threeRuns = new CountDownLatch(3);
        PeriodicTask task = new PeriodicTask("test-task", Duration.ofMillis(10), () -> {
            threeRuns.countDown();
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("the first run fails");
            }
        });

        task.start();
        try {
            assertThat(task.isRunning()).isTrue();
            assertThat(threeRuns.await(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            task.stop();
        }
        assertThat(task.isRunning()).isFalse();
        int afterStop = runs.get();
        Thread.sleep(50);
        assertThat(runs.get()).isEqualTo(afterStop);
    }
}
