package io.chatmesh.user.domain;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.user.domain.PresenceTracker.Presence;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Presence as users see each other's: their own and their friends'; anyone else, and anyone
 * across a block, appears OFFLINE without a last-seen time.
 */
public final class PresenceDirectory {

    private final PresenceTracker tracker;
    private final Privacy privacy;
    private final PresenceEvents events;
    private final PresenceChoiceStore choices;
    private final Clock clock;
    private final Duration publishTimeout;

    public PresenceDirectory(PresenceTracker tracker, Privacy privacy, PresenceEvents events,
            PresenceChoiceStore choices, Clock clock, Duration publishTimeout) {
        this.tracker = tracker;
        this.privacy = privacy;
        this.events = events;
        this.choices = choices;
        this.clock = clock;
        this.publishTimeout = publishTimeout;
    }

    /** The presence of each of {@code userIds}, in order, as the caller may see it. */
    public List<Presence> visible(String callerId, List<String> userIds) {
        Map<String, Relation> relations = privacy.relations(callerId, userIds).stream()
                .collect(Collectors.toMap(Relation::otherUserId, Function.identity()));
        return userIds.stream()
                .map(id -> maySee(callerId, id, relations.get(id)) ? tracker.presence(id) : Presence.hidden(id))
                .toList();
    }

    /** Whether the caller may see this user's presence now. */
    public boolean maySee(String callerId, String userId) {
        return maySee(callerId, userId, privacy.relations(callerId, List.of(userId)).stream().findFirst().orElse(null));
    }

    private static boolean maySee(String callerId, String userId, Relation relation) {
        return callerId.equals(userId) || relation != null && relation.friends() && !relation.blocked();
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
