package io.chatmesh.chat.domain;

import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.id.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MatchRandom: a queue of waiting users shared by every instance ({@link MatchQueue}, a table
 * beside the rooms). Each waiting call attempts, again and again, to match its ticket with the
 * oldest compatible ticket older than its own (first come, first matched): a newcomer takes the
 * longest-waiting user, and older tickets wait to be taken. An attempt locks its own ticket and
 * then the oldest fitting older one, waiting for it if another attempt holds it (skipping it
 * would match a younger ticket first); attempts only wait for older tickets, so never in a cycle. The pair's DIRECT room is opened in the same transaction, and the older
 * ticket marked with it: its waiting call collects the match at its next attempt. Never the
 * caller themself; never across a block (asked of user-service before the transaction, so no
 * lock is held across a network call).
 */
public final class RandomMatching {

    /** How many of the oldest candidates one attempt looks at. */
    static final int CANDIDATES = 20;

    /** A waiting call's place in the queue. */
    public record Ticket(String id, String userId, List<String> interests) {}

    public record Match(Room room, String matchedUserId) {}

    private final RoomChanges shared;
    private final RoomStore store;
    private final MatchQueue queue;
    private final UserDirectory users;
    private final Duration ticketLifetime;

    /**
     * @param ticketLifetime how long a ticket stays matchable after its call's last attempt
     *        (attempts come much more often); a ticket of a vanished call expires after it
     */
    public RandomMatching(RoomStore store, MatchQueue queue, UserDirectory users, RoomEventPublisher events, Clock clock,
            Duration publishTimeout, Duration ticketLifetime) {
        this.shared = new RoomChanges(store, users, events, clock, publishTimeout);
        this.store = store;
        this.queue = queue;
        this.users = users;
        this.ticketLifetime = ticketLifetime;
    }

    /** Joins the queue; FAILED_PRECONDITION while another call of the same user waits. */
    public Ticket enter(String userId, List<String> interests) {
        Ticket ticket = new Ticket(Ids.newId(), userId, List.copyOf(interests));
        Instant now = shared.now();
        if (!store.transaction(repo -> queue.enter(ticket.id(), userId, ticket.interests(), now, now.plus(ticketLifetime)))) {
            throw ChatmeshException.failedPrecondition("already waiting for a random match");
        }
        return ticket;
    }

    /**
     * One attempt: the match a newer arrival made for this ticket, or a new match with the
     * oldest fitting older ticket; empty to go on waiting (the ticket stays live).
     */
    public Optional<Match> attempt(Principal caller, Ticket ticket) {
        Instant now = shared.now();
        List<MatchQueue.Waiting> candidates = store.transaction(
                repo -> queue.olderCandidates(ticket.id(), ticket.userId(), ticket.interests(), now, CANDIDATES));
        Map<String, UserDirectory.Relation> relations = candidates.isEmpty() ? Map.of()
                : users.relations(caller, candidates.stream().map(MatchQueue.Waiting::userId).toList());
        List<String> allowed = candidates.stream()
                .filter(c -> relations.containsKey(c.userId()) && !relations.get(c.userId()).blocked())
                .map(MatchQueue.Waiting::ticketId)
                .toList();
        record Outcome(Match match, List<RoomChanges.Change> changes) {}
        Outcome outcome = store.transaction(repo -> {
            MatchQueue.Waiting mine = queue.lock(ticket.id())
                    .orElseThrow(() -> ChatmeshException.failedPrecondition("no longer waiting for a random match"));
            if (mine.matchedRoomId() != null) {
                queue.delete(ticket.id());
                return new Outcome(new Match(repo.find(mine.matchedRoomId()).orElseThrow(), mine.matchedUserId()), List.of());
            }
            Optional<MatchQueue.Waiting> partner = queue.lockOldestFree(allowed, now);
            if (partner.isEmpty()) {
                queue.keepAlive(ticket.id(), now.plus(ticketLifetime));
                return null;
            }
            String partnerId = partner.get().userId();
            Rooms.DirectRoom opened = shared.directRoomIn(repo, ticket.userId(), partnerId);
            queue.markMatched(partner.get().ticketId(), opened.room().id(), ticket.userId());
            queue.delete(ticket.id());
            return new Outcome(new Match(opened.room(), partnerId),
                    shared.directRoomChanges(opened, ticket.userId(), partnerId));
        });
        if (outcome == null) {
            return Optional.empty();
        }
        shared.announce(outcome.changes());
        return Optional.of(outcome.match());
    }

    /**
     * Leaves the queue (the call ended). A match that a newer arrival made in the meantime
     * stands: its room exists and the other user has been told.
     */
    public void leave(Ticket ticket) {
        store.transaction(repo -> {
            queue.delete(ticket.id());
            return null;
        });
    }
}
