package io.chatmesh.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.random.RandomGenerator;

/**
 * One sender's share of message changes (--change-share): which of its paced operations are
 * changes instead of new messages, and which change each is. Every change is one the server
 * must accept, so any refusal is a real error:
 * <ul>
 * <li>edits of the sender's own acked messages;</li>
 * <li>reactions added to recent messages of the room its stream delivered (its own or
 *     others'; its own acked ones when it holds no stream), each (message, emoji) at most
 *     once, and removals of reactions whose add was acked, each once, so every reaction
 *     event the room sees is unique by (message, user, emoji, added);</li>
 * <li>one change in {@value #DELETES_ONE_IN} a deletion, of one of the sender's own acked
 *     messages {@linkplain #reservedForDeletion reserved for deletion} by their number: nobody
 *     edits or reacts to those, so no change ever races a deletion.</li>
 * </ul>
 * When the chosen kind has no target (early in the run) another kind is tried; when none
 * has, the operation is a new message after all.
 *
 * <p>Threads: the sender's pacing thread calls {@link #changeDue}, {@link #next} and
 * {@link #sent}; transport threads report acks and deliveries, which only queue and are
 * taken in by the next {@link #next}.
 */
final class ChangeMix {

    enum Kind { EDIT, DELETE, REACT, UNREACT }

    /** One change: for REACT and UNREACT with its emoji, else {@code emoji} is null. */
    record Change(Kind kind, String messageId, String emoji) {}

    /** Valid reactions (one emoji each, well under 32 bytes); a message gets each at most once per sender. */
    static final List<String> EMOJI = List.of("👍", "😂", "🎉", "🔥", "👀", "🙏", "🚀", "💯");
    static final int DELETES_ONE_IN = 20;
    private static final int RESERVED_ONE_IN = 8;
    /** How many recent messages each list keeps, and the most reactions kept to remove later. */
    private static final int RECENT = 32;
    private static final int ALL_EMOJI = (1 << EMOJI.size()) - 1;
    private static final List<Kind> FALLBACKS = List.of(Kind.EDIT, Kind.REACT, Kind.UNREACT);

    private record Target(String messageId, long n) {}

    private record Answer(long n, boolean ok) {}

    private final double share;
    private final RandomGenerator random;
    /** Whether {@link #seen} is fed (the sender holds a stream); else its own acked messages are the reaction targets. */
    private final boolean seesRoom;
    private double credit;

    private final Queue<Target> ownAckedInbox = new ConcurrentLinkedQueue<>();
    private final Queue<String> seenInbox = new ConcurrentLinkedQueue<>();
    private final Queue<Answer> answerInbox = new ConcurrentLinkedQueue<>();

    private final List<String> editable = new ArrayList<>();
    private final List<String> deletable = new ArrayList<>();
    private final List<String> reactable = new ArrayList<>();
    /** Per message in {@link #reactable}: a bit per {@link #EMOJI} this sender added to it already. */
    private final Map<String, Integer> emojiUsed = new HashMap<>();
    /** Reaction adds not answered yet, by change number. */
    private final Map<Long, Change> addsInFlight = new HashMap<>();
    private final List<Change> removable = new ArrayList<>();

    ChangeMix(double share, RandomGenerator random, boolean seesRoom) {
        this.share = share;
        this.random = random;
        this.seesRoom = seesRoom;
    }

    /** Whether message {@code n} of its sender is one to delete, and so never edited or reacted to. */
    static boolean reservedForDeletion(long n) {
        return n % RESERVED_ONE_IN == RESERVED_ONE_IN - 1;
    }

    /** Whether this operation should be a change: exactly {@code share} of the calls, evenly spread. */
    boolean changeDue() {
        credit += share;
        if (credit >= 1) {
            credit -= 1;
            return true;
        }
        return false;
    }

    /** The sender's own message {@code n} was acked; any thread. */
    void ownAcked(String messageId, long n) {
        ownAckedInbox.add(new Target(messageId, n));
    }

    /** The sender's stream got a message of the room, number {@code n} of whoever sent it; any thread. */
    void seen(String messageId, long n) {
        if (!reservedForDeletion(n)) {
            seenInbox.add(messageId);
        }
    }

    /** The change numbered {@code n} was answered: acked ({@code ok}) or refused; any thread. */
    void answered(long n, boolean ok) {
        answerInbox.add(new Answer(n, ok));
    }

    /** The next change, or null when there is nothing to change yet. */
    Change next() {
        takeIn();
        Kind first;
        if (random.nextInt(DELETES_ONE_IN) == 0) {
            first = Kind.DELETE;
        } else {
            first = switch (random.nextInt(3)) {
                case 0 -> Kind.EDIT;
                case 1 -> removable.size() >= RECENT ? Kind.UNREACT : Kind.REACT;
                default -> Kind.UNREACT;
            };
        }
        Change change = make(first);
        for (Kind fallback : FALLBACKS) { // a deletion only when chosen, so they stay rare
            if (change == null && fallback != first) {
                change = make(fallback);
            }
        }
        return change;
    }

    /** The change {@link #next} returned went out as number {@code n}. */
    void sent(long n, Change change) {
        if (change.kind() == Kind.REACT) {
            addsInFlight.put(n, change);
        }
    }

    private Change make(Kind kind) {
        return switch (kind) {
            case EDIT -> editable.isEmpty() ? null : new Change(Kind.EDIT, pick(editable), null);
            case DELETE -> deletable.isEmpty() ? null
                    : new Change(Kind.DELETE, deletable.remove(random.nextInt(deletable.size())), null);
            case REACT -> react();
            case UNREACT -> removable.isEmpty() ? null : unreact(removable.remove(random.nextInt(removable.size())));
        };
    }

    private Change react() {
        while (!reactable.isEmpty()) {
            int at = random.nextInt(reactable.size());
            String messageId = reactable.get(at);
            int used = emojiUsed.getOrDefault(messageId, 0);
            if (used == ALL_EMOJI) {
                reactable.remove(at);
                emojiUsed.remove(messageId);
                continue;
            }
            int free = EMOJI.size() - Integer.bitCount(used);
            int skip = random.nextInt(free);
            for (int emoji = 0; emoji < EMOJI.size(); emoji++) {
                if ((used & (1 << emoji)) == 0 && skip-- == 0) {
                    emojiUsed.put(messageId, used | (1 << emoji));
                    return new Change(Kind.REACT, messageId, EMOJI.get(emoji));
                }
            }
        }
        return null;
    }

    private static Change unreact(Change added) {
        return new Change(Kind.UNREACT, added.messageId(), added.emoji());
    }

    private String pick(List<String> messages) {
        return messages.get(random.nextInt(messages.size()));
    }

    private void takeIn() {
        for (Target acked; (acked = ownAckedInbox.poll()) != null; ) {
            if (reservedForDeletion(acked.n())) {
                remember(deletable, acked.messageId());
            } else {
                remember(editable, acked.messageId());
                if (!seesRoom) {
                    rememberReactable(acked.messageId());
                }
            }
        }
        for (String messageId; (messageId = seenInbox.poll()) != null; ) {
            rememberReactable(messageId);
        }
        for (Answer answer; (answer = answerInbox.poll()) != null; ) {
            Change add = addsInFlight.remove(answer.n());
            if (add != null && answer.ok()) {
                removable.add(add);
            }
        }
    }

    private void rememberReactable(String messageId) {
        String forgotten = remember(reactable, messageId);
        if (forgotten != null) {
            emojiUsed.remove(forgotten); // never picked again: it is no longer listed
        }
    }

    /** Adds the message, forgetting the oldest beyond {@link #RECENT}; returns the one forgotten, or null. */
    private static String remember(List<String> messages, String messageId) {
        messages.add(messageId);
        return messages.size() > RECENT ? messages.removeFirst() : null;
    }
}
