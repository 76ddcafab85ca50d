package io.chatmesh.user.domain;

import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.user.domain.PresenceTracker.Presence;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Presence as users see each other's: their own, their friends' and their room co-members'
 * (rooms small enough to share presence; chat-service knows them); anyone else, and anyone
 * across a block, appears OFFLINE without a last-seen time.
 */
public final class PresenceDirectory {

    private final PresenceTracker tracker;
    private final Privacy privacy;
    private final PresenceEvents events;
    private final PresenceChoiceStore choices;
    private final RoomCoMembers coMembers;
    private final Clock clock;
    private final Duration publishTimeout;

    public PresenceDirectory(PresenceTracker tracker, Privacy privacy, PresenceEvents events,
            PresenceChoiceStore choices, RoomCoMembers coMembers, Clock clock, Duration publishTimeout) {
        this.tracker = tracker;
        this.privacy = privacy;
        this.events = events;
        this.choices = choices;
        this.coMembers = coMembers;
        this.clock = clock;
        this.publishTimeout = publishTimeout;
    }

    /** The presence of each of {@code userIds}, in order, as the caller may see it. */
    public List<Presence> visible(Principal caller, List<String> userIds) {
        Set<String> allowed = allowed(caller, userIds);
        return userIds.stream()
                .map(id -> allowed.contains(id) ? tracker.presence(id) : Presence.hidden(id))
                .toList();
    }

    /** Whether the caller may see this user's presence now. */
    public boolean maySee(Principal caller, String userId) {
        return allowed(caller, List.of(userId)).contains(userId);
    }

    /**
     * Those of {@code userIds} whose presence the caller may see: their own, their friends', and
     * that of whoever shares a presence-sharing room with them (chat-service is asked, only
     * about those not settled here); never anyone across a block.
     */
    private Set<String> allowed(Principal caller, List<String> userIds) {
        Map<String, Relation> relations = privacy.relations(caller.userId(), userIds).stream()
                .collect(Collectors.toMap(Relation::otherUserId, Function.identity()));
        Set<String> allowed = new HashSet<>();
        Set<String> askRooms = new LinkedHashSet<>();
        for (String id : userIds) {
            Relation relation = relations.get(id);
            if (id.equals(caller.userId()) || relation != null && relation.friends() && !relation.blocked()) {
                allowed.add(id);
            } else if (relation != null && !relation.blocked()) {
                askRooms.add(id);
            }
        }
        allowed.addAll(coMembers.of(caller, askRooms));
        return allowed;
    }

    /**
     * Sets the caller's chosen status: stored first (restarts and instances started later read
     * it), then every running instance learns it over the bus.
     */
    public Presence choose(String callerId, PresenceTracker.Choice choice) {
        choices.save(callerId, choice, Times.now(clock));
        tracker.statusChosen(callerId, choice);
        try {
            events.statusChosen(callerId, choice).get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ChatmeshException.unavailable("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw ChatmeshException.unavailable("the event bus did not take the status; retry");
        }
        return tracker.presence(callerId);
    }

    public Runnable listen(PresenceTracker.Listener listener) {
        return tracker.listen(listener);
    }
}
