package io.chatmesh.user.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every user's presence, aggregated over their devices: online (with the status they chose)
 * while any device holds a chat stream, kept by the streams' heartbeats; a device not heard of
 * for the timeout counts as gone. Fed by what every chat-service instance publishes, so every
 * user-service instance that follows the bus holds the same state. Changes go to the listeners.
 * The chosen status is kept in a {@link PresenceChoiceStore} too: a user first heard of here
 * (after a restart, or on an instance started after their choice) shows what they chose.
 */
public final class PresenceTracker {

    public enum Status { OFFLINE, ONLINE, AWAY, DO_NOT_DISTURB }

    /** @param lastSeenTime when the user was last connected; null if never since this instance started */
    public record Presence(String userId, Status status, String statusText, Instant lastSeenTime) {

        /** What someone not allowed to see the user's presence sees. */
        public static Presence hidden(String userId) {
            return new Presence(userId, Status.OFFLINE, "", null);
        }
    }

    /** What a user chose: ONLINE, AWAY or DO_NOT_DISTURB, and a status text. */
    public record Choice(Status status, String statusText) {

        static final Choice DEFAULT = new Choice(Status.ONLINE, "");
    }

    @FunctionalInterface
    public interface Listener {
        void changed(Presence presence);
    }

    /** One user's devices (last heard of) and chosen status. Guarded by the tracker. */
    private static final class UserState {
        final Map<String, Instant> devices = new HashMap<>();
        Choice chosen;
        Instant lastSeen;
        Presence shown;

        UserState(Choice chosen) {
            this.chosen = chosen;
        }
    }

    private final Duration deviceTimeout;
    private final Clock clock;
    private final PresenceChoiceStore choices;
    private final Map<String, UserState> users = new HashMap<>();
    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();

    public PresenceTracker(Duration deviceTimeout, Clock clock, PresenceChoiceStore choices) {
        this.deviceTimeout = deviceTimeout;
        this.clock = clock;
        this.choices = choices;
    }

    /** A device's chat stream opened or is still open ({@code open}), or ended. */
    public void deviceStream(String userId, String deviceId, boolean open, Instant time) {
        // read outside the lock; a choice that arrives meanwhile creates the state and wins
        Choice stored = known(userId) ? null : choices.find(userId).orElse(Choice.DEFAULT);
        Presence changed;
        synchronized (this) {
            UserState user = users.computeIfAbsent(userId, id -> new UserState(stored));
            if (open) {
                user.devices.merge(deviceId, time, (a, b) -> a.isAfter(b) ? a : b);
            } else {
                user.devices.remove(deviceId);
            }
            user.lastSeen = user.lastSeen == null || time.isAfter(user.lastSeen) ? time : user.lastSeen;
            changed = update(userId, user);
        }
        notify(changed);
    }

    /** The status (ONLINE, AWAY, DO_NOT_DISTURB) and text the user chose. */
    public void statusChosen(String userId, Choice choice) {
        Presence changed;
        synchronized (this) {
            UserState user = users.computeIfAbsent(userId, id -> new UserState(choice));
            user.chosen = choice;
            changed = update(userId, user);
        }
        notify(changed);
    }

    /** Drops devices not heard of within the timeout; called periodically. */
    public void expire() {
        Instant cutoff = clock.instant().minus(deviceTimeout);
        List<Presence> changes = new ArrayList<>();
        synchronized (this) {
            users.forEach((userId, user) -> {
                if (user.devices.values().removeIf(heard -> heard.isBefore(cutoff))) {
                    Presence changed = update(userId, user);
                    if (changed != null) {
                        changes.add(changed);
                    }
                }
            });
        }
        changes.forEach(this::notify);
    }

    private synchronized boolean known(String userId) {
        return users.containsKey(userId);
    }

    public synchronized Presence presence(String userId) {
        UserState user = users.get(userId);
        return user == null ? Presence.hidden(userId) : shown(userId, user);
    }

    /** @return what stops the listening */
    public Runnable listen(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * The presence to show now, or null when nothing worth telling changed: while the user is
     * online a newer last-seen time (every heartbeat moves it) is shown but not announced.
     */
    private Presence update(String userId, UserState user) {
        Presence before = user.shown;
        Presence now = shown(userId, user);
        user.shown = now;
        boolean changed = before == null || before.status() != now.status()
                || !before.statusText().equals(now.statusText())
                || now.status() == Status.OFFLINE && !Objects.equals(before.lastSeenTime(), now.lastSeenTime());
        return changed ? now : null;
    }

    private static Presence shown(String userId, UserState user) {
        return user.devices.isEmpty() ? new Presence(userId, Status.OFFLINE, "", user.lastSeen)
                : new Presence(userId, user.chosen.status(), user.chosen.statusText(), user.lastSeen);
    }

    private void notify(Presence changed) {
        if (changed != null) {
            listeners.forEach(listener -> listener.changed(changed));
        }
    }
}
