package io.chatmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server's CPU by thread group, read from this JVM's own /proc entries. */
class ProcessStatsTest {

    @Test
    void aLiveThreadsCpuIsItsGroups() throws Exception {
        ProcessStats stats = new ProcessStats(List.of(ProcessHandle.current().pid()), null);
        CountDownLatch burnt = new CountDownLatch(1);
        CountDownLatch sampled = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Thread burner = Thread.ofPlatform().name("burner-7").start(() -> {
            try {
                started.await();
                long until = threads.getCurrentThreadCpuTime() + TimeUnit.MILLISECONDS.toNanos(300);
                while (threads.getCurrentThreadCpuTime() < until) {
                    Thread.onSpinWait();
                }
                burnt.countDown();
                sampled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ProcessStats.CpuSample start = stats.sample();
        started.countDown();
        assertThat(burnt.await(30, TimeUnit.SECONDS)).isTrue();
        ProcessStats.CpuSample end = stats.sample();
        sampled.countDown();
        burner.join();

        // 300 ms of CPU, counted in clock ticks: at least a fifth of a second's worth
        assertThat(Summary.threadTicks(start, end).get("burner")).isGreaterThanOrEqualTo(stats.clockTicksPerSecond / 5);
    }

    @Test
    void aGroupIsTheNameWithoutThePoolsNumbers() {
        assertThat(ProcessStats.threadGroup("match-random-12")).isEqualTo("match-random");
        assertThat(ProcessStats.threadGroup("grpc-blocking-w")).isEqualTo("grpc-blocking-w"); // cut at 15 bytes
        assertThat(ProcessStats.threadGroup("pool-2-thread-")).isEqualTo("pool-2-thread");
        assertThat(ProcessStats.threadGroup("GC Thread#0")).isEqualTo("GC Thread");
        assertThat(ProcessStats.threadGroup("chat-send-publisher")).isEqualTo("chat-send-publisher");
        assertThat(ProcessStats.threadGroup("42")).isEqualTo("42");
    }

    @Test
    void onlyTheCpuBetweenTheSamplesCounts() {
        ProcessStats.CpuSample start = new ProcessStats.CpuSample(0, 0, 0, 0, Map.of(
                1L, new ProcessStats.ThreadTicks("loop", 100),
                2L, new ProcessStats.ThreadTicks("loop", 50),
                3L, new ProcessStats.ThreadTicks("gone", 70)));
        ProcessStats.CpuSample end = new ProcessStats.CpuSample(0, 0, 0, 0, Map.of(
                1L, new ProcessStats.ThreadTicks("loop", 130),
                2L, new ProcessStats.ThreadTicks("loop", 60),
                4L, new ProcessStats.ThreadTicks("new", 5),
                5L, new ProcessStats.ThreadTicks("idle", 0)));

        assertThat(Summary.threadTicks(start, end)).containsExactlyInAnyOrderEntriesOf(Map.of("loop", 40L, "new", 5L));
    }
}
