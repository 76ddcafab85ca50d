package io.chatmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.bench.ChangeMix.Change;
import io.chatmesh.bench.ChangeMix.Kind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChangeMixTest {

    @Test
    void exactlyTheShareOfOperationsIsDueEvenlySpread() {
        ChangeMix mix = new ChangeMix(0.25, new SplittableRandom(1), true);
        int due = 0;
        for (int i = 0; i < 100; i++) {
            boolean change = mix.changeDue();
            due += change ? 1 : 0;
            assertThat(change).as("operation %d", i).isEqualTo(i % 4 == 3);
        }
        assertThat(due).isEqualTo(25);
        ChangeMix none = new ChangeMix(0, new SplittableRandom(1), true);
        for (int i = 0; i < 100; i++) {
            assertThat(none.changeDue()).isFalse();
        }
    }

    @Test
    void withNothingAckedOrSeenThereIsNothingToChange() {
        ChangeMix mix = new ChangeMix(1, new SplittableRandom(1), true);

        assertThat(mix.next()).isNull();
        mix.seen("m-reserved", 7); // reserved for its sender's deletion: nobody else touches it
        assertThat(mix.next()).isNull();
    }

    /**
     * Three senders in one room, their answers and deliveries coming late and out of step, and
     * a model of the server applying each operation when sent (the room's order): no change the
     * mix makes is one the server would refuse, and every reaction event is unique by
     * (message, user, emoji, added).
     */
    @Test
    void everyChangeIsOneTheServerAcceptsWhateverTheTimingOfAnswers() {
        SplittableRandom timing = new SplittableRandom(42);
        Room room = new Room();
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(new Member(i, new ChangeMix(0.4, new SplittableRandom(i), true)));
        }
        List<Runnable> later = new ArrayList<>();
        Map<Kind, Integer> made = new EnumMap<>(Kind.class);
        int operations = 0;
        for (int step = 0; step < 30_000; step++) {
            Member member = members.get(timing.nextInt(members.size()));
            operations++;
            Change change = member.mix.changeDue() ? member.mix.next() : null;
            if (change == null) {
                long n = member.messages++;
                String id = room.post(member.index, n);
                later.add(() -> member.mix.ownAcked(id, n));
                for (Member other : members) {
                    later.add(() -> other.mix.seen(id, n));
                }
            } else {
                long n = member.changes++;
                member.mix.sent(n, change);
                room.apply(member.index, change);
                made.merge(change.kind(), 1, Integer::sum);
                later.add(() -> member.mix.answered(n, true));
            }
            // answers and deliveries arrive later, in any order, a few at a time
            for (int i = timing.nextInt(4); i > 0 && !later.isEmpty(); i--) {
                later.remove(timing.nextInt(later.size())).run();
            }
        }

        int changes = made.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(changes).as("close to 40%% of %d operations", operations)
                .isBetween(operations * 38 / 100, operations * 40 / 100);
        assertThat(made).containsOnlyKeys(Kind.values());
        assertThat(made.get(Kind.DELETE)).as("about 1 in %d changes", ChangeMix.DELETES_ONE_IN)
                .isBetween(changes / (2 * ChangeMix.DELETES_ONE_IN), changes * 2 / ChangeMix.DELETES_ONE_IN);
        assertThat(room.reactionsOnOthersMessages).as("reactions reach others' messages too").isPositive();
    }

    @Test
    void aSenderWithoutAStreamReactsToItsOwnAckedMessages() {
        ChangeMix mix = new ChangeMix(1, new SplittableRandom(3), false);
        mix.ownAcked("m0", 0);
        Set<Kind> kinds = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            Change change = mix.next();
            assertThat(change.messageId()).isEqualTo("m0");
            mix.sent(i, change);
            mix.answered(i, true);
            kinds.add(change.kind());
        }
        assertThat(kinds).contains(Kind.EDIT, Kind.REACT, Kind.UNREACT).doesNotContain(Kind.DELETE);
    }

    private static final class Member {
        final int index;
        final ChangeMix mix;
        long messages;
        long changes;

        Member(int index, ChangeMix mix) {
            this.index = index;
            this.mix = mix;
        }
    }

    /** What the server checks, applied in the room's order. */
    private static final class Room {
        private record Posted(int sender, boolean reserved) {}

        private final Map<String, Posted> messages = new HashMap<>();
        private final Set<String> deleted = new HashSet<>();
        /** Current reactions: "message user emoji". */
        private final Set<String> reactions = new HashSet<>();
        /** Every reaction event so far: "message user emoji added". */
        private final Set<String> reactionEvents = new HashSet<>();
        int reactionsOnOthersMessages;

        String post(int sender, long n) {
            String id = "m" + messages.size();
            messages.put(id, new Posted(sender, ChangeMix.reservedForDeletion(n)));
            return id;
        }

        void apply(int sender, Change change) {
            Posted message = messages.get(change.messageId());
            assertThat(message).as("%s names a message of the room", change).isNotNull();
            assertThat(deleted).as("%s: not a deleted message", change).doesNotContain(change.messageId());
            switch (change.kind()) {
                case EDIT -> {
                    assertThat(message.sender()).as("%s: own message", change).isEqualTo(sender);
                    assertThat(message.reserved()).as("%s: not one reserved for deletion", change).isFalse();
                }
                case DELETE -> {
                    assertThat(message.sender()).as("%s: own message", change).isEqualTo(sender);
                    assertThat(message.reserved()).as("%s: one reserved for deletion", change).isTrue();
                    deleted.add(change.messageId());
                }
                case REACT, UNREACT -> {
                    assertThat(message.reserved()).as("%s: not one reserved for deletion", change).isFalse();
                    assertThat(ChangeMix.EMOJI).contains(change.emoji());
                    String reaction = change.messageId() + " " + sender + " " + change.emoji();
                    boolean add = change.kind() == Kind.REACT;
                    assertThat(reactionEvents.add(reaction + " " + add)).as("%s is a new reaction event", change)
                            .isTrue();
                    if (add) {
                        reactions.add(reaction);
                        reactionsOnOthersMessages += message.sender() == sender ? 0 : 1;
                    } else {
                        assertThat(reactions.remove(reaction)).as("%s removes an added reaction", change).isTrue();
                    }
                }
            }
        }
    }
}
