package io.chatmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlagsTest {

    @Test
    void defaultsFollowTheTargetAndMembers() {
        Workload workload = Flags.parse(new String[] {"--target", "10.0.0.1:7000", "--members", "8"});

        assertThat(workload.target()).isEqualTo(new HostPort("10.0.0.1", 7000));
        assertThat(workload.userService()).isEqualTo(new HostPort("10.0.0.1", 7000));
        assertThat(workload.chat()).containsExactly(new HostPort("10.0.0.1", 7000));
        assertThat(workload.connectedMembers()).isEqualTo(8);
        assertThat(workload.rate()).isEqualTo(500);
        assertThat(workload.check()).isFalse();
        assertThat(workload.changeShare()).as("only new messages unless asked").isZero();
        assertThat(Flags.parse(new String[] {"--connected-members", "0"}).connectedMembers())
                .as("senders always hold a stream").isEqualTo(2);
    }

    @Test
    void smokeIsSmallAndCheckedAndFlagsStillOverrideIt() {
        Workload workload = Flags.parse(new String[] {"--rate", "20", "--smoke", "--chat", "a:1,b:2",
                "--server-pid", "7,8", "--server-pid", "9", "--warmup", "500ms", "--users", "u:3"});

        assertThat(workload.rooms()).isEqualTo(4);
        assertThat(workload.rate()).isEqualTo(20);
        assertThat(workload.chat()).containsExactly(new HostPort("a", 1), new HostPort("b", 2));
        assertThat(workload.userService()).isEqualTo(new HostPort("u", 3));
        assertThat(workload.serverPids()).containsExactly(7L, 8L, 9L);
        assertThat(workload.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(workload.check()).isTrue();
        assertThat(workload.changeShare()).as("the smoke changes messages too").isEqualTo(0.2);
        assertThat(Flags.parse(new String[] {"--smoke", "--change-share", "0"}).changeShare()).isZero();
    }

    @Test
    void aChangeShareIsAFractionOfEachSendersOperations() {
        assertThat(Flags.parse(new String[] {"--change-share", "0.3"}).changeShare()).isEqualTo(0.3);
        assertThat(Flags.parse(new String[] {"--change-share", "1"}).changeShare()).isEqualTo(1);
        assertThat(Flags.parse(new String[] {"--change-share", "0.3"}).describe()).contains("30% of them message changes");
        assertThat(Flags.parse(new String[] {}).describe()).doesNotContain("changes");
        assertThat(Flags.USAGE).contains("--change-share F");
    }

    @Test
    void churnIsOffUnlessAskedAndTheSmokeChurns() {
        assertThat(Flags.parse(new String[] {}).churn()).isZero();
        assertThat(Flags.parse(new String[] {"--churn", "5s"}).churn()).isEqualTo(Duration.ofSeconds(5));
        assertThat(Flags.parse(new String[] {"--churn", "5s"}).describe()).contains("dropped and resumed every 5s");
        assertThat(Flags.parse(new String[] {"--smoke"}).churn()).isEqualTo(Duration.ofSeconds(2));
        assertThat(Flags.parse(new String[] {"--smoke", "--churn", "0s"}).churn()).isZero();
        assertThatThrownBy(() -> Flags.parse(new String[] {"--churn", "-1s"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRampRisesLinearlyToTheRateAndThenKeepsIt() {
        Pacer pacer = new Pacer(List.of(), 1000, 2_000_000_000L, 0, Long.MAX_VALUE);

        // 1000 msg/s reached after 2 s: 1000 messages in the ramp (the area under it), at 1 ms apart after it
        assertThat(pacer.offset(0)).isZero();
        assertThat(pacer.offset(250)).isEqualTo(1_000_000_000L);
        assertThat(pacer.offset(1000)).isEqualTo(2_000_000_000L);
        assertThat(pacer.offset(1001)).isEqualTo(2_001_000_000L);
        assertThat(new Pacer(List.of(), 1000, 0, 0, Long.MAX_VALUE).offset(7)).isEqualTo(7_000_000L);
        assertThat(Flags.parse(new String[] {"--ramp", "5s", "--warmup", "10s"}).ramp()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void badFlagsAreRefusedWithOneLine() {
        for (List<String> args : List.of(List.of("--rooms"), List.of("--nope", "1"), List.of("--rate", "fast"),
                List.of("--duration", "10"), List.of("--send-via", "carrier-pigeon"), List.of("--target", "host"),
                List.of("--senders-per-room", "30"), List.of("--chat", "a:1,b:2", "--connections", "1"),
                List.of("--ramp", "20s", "--warmup", "10s"), List.of("--change-share", "1.5"),
                List.of("--change-share", "-0.1"), List.of("--change-share", "some"),
                List.of("--change-share", "NaN"))) {
            assertThatThrownBy(() -> Flags.parse(args.toArray(String[]::new)))
                    .as(args.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .message().doesNotContain("\n");
        }
    }

    @Test
    void stampsReadBackFromTextAndClientId() {
        MessageText text = new MessageText("run1", 100);
        long due = System.nanoTime();
        MessageText.Stamp stamp = text.stamp();

        String body = text.text(due, 42, 7);
        assertThat(body).hasSize(100);
        assertThat(stamp.read(com.google.protobuf.ByteString.copyFromUtf8(body))).isTrue();
        assertThat(stamp.nanos).isEqualTo(due);
        assertThat(stamp.sender).isEqualTo(42);
        assertThat(stamp.n).isEqualTo(7);

        assertThat(stamp.read(com.google.protobuf.ByteString.copyFromUtf8(text.clientId(due, 3, 9)))).isTrue();
        assertThat(stamp.sender).isEqualTo(3);
        assertThat(stamp.change).isFalse();
        String changeId = text.changeClientId(due, 4, 11);
        assertThat(changeId).hasSizeLessThanOrEqualTo(64);
        assertThat(stamp.read(com.google.protobuf.ByteString.copyFromUtf8(changeId))).isTrue();
        assertThat(stamp.change).isTrue();
        assertThat(stamp.sender).isEqualTo(4);
        assertThat(stamp.n).isEqualTo(11);
        assertThat(stamp.nanos).isEqualTo(due);
        assertThat(stamp.read(com.google.protobuf.ByteString.copyFromUtf8("hello"))).isFalse();
    }
}
