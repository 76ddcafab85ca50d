package io.chatmesh.user.bus;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.logging.LogThrottle;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.user.internal.v1.DeviceStream;
import io.chatmesh.proto.user.internal.v1.PresenceChanged;
import io.chatmesh.proto.user.internal.v1.PresenceSignal;
import io.chatmesh.proto.user.internal.v1.StatusChosen;
import io.chatmesh.proto.user.v1.Presence;
import io.chatmesh.proto.user.v1.PresenceStatus;
import io.chatmesh.user.domain.PresenceAudience;
import io.chatmesh.user.domain.PresenceEvents;
import io.chatmesh.user.domain.PresenceTracker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the {@link PresenceTracker} from the bus (a live subscription: this instance sees every
 * signal of every instance) and expires silent devices periodically; publishes chosen statuses.
 */
public final class BusPresence implements PresenceEvents, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BusPresence.class);
    /** While the bus is down, every presence change fails to publish. */
    private static final LogThrottle UNPUBLISHED_LOG = new LogThrottle(Duration.ofSeconds(10));

    private final EventBus bus;
    private final PresenceTracker tracker;
    private final Duration expiryInterval;
    private final ScheduledExecutorService expiry =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("presence-expiry").daemon().factory());
    private EventBus.Subscription subscription;

    public BusPresence(EventBus bus, PresenceTracker tracker, Duration expiryInterval) {
        this.bus = bus;
        this.tracker = tracker;
        this.expiryInterval = expiryInterval;
    }

    public void start() {
        subscription = bus.subscribeLive(Topics.PRESENCE, (key, payload) -> apply(payload));
        expiry.scheduleWithFixedDelay(tracker::expire, expiryInterval.toMillis(), expiryInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void apply(byte[] payload) {
        PresenceSignal signal;
        try {
            signal = PresenceSignal.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            log.warn("dropping an unparseable presence signal");
            return;
        }
        switch (signal.getSignalCase()) {
            case DEVICE_STREAM -> {
                DeviceStream device = signal.getDeviceStream();
                tracker.deviceStream(device.getUserId(), device.getInstanceId() + " " + device.getDeviceId(), device.getOpen(),
                        ApiTimes.instant(device.getTime()));
            }
            case STATUS_CHOSEN -> {
                StatusChosen chosen = signal.getStatusChosen();
                PresenceTracker.Status status = status(chosen.getStatus());
                if (status != null) {
                    tracker.statusChosen(chosen.getUserId(), new PresenceTracker.Choice(status, chosen.getStatusText()));
                }
            }
            case SIGNAL_NOT_SET -> { }
        }
    }

    @Override
    public CompletableFuture<Void> statusChosen(String userId, PresenceTracker.Choice choice) {
        return bus.publish(Topics.PRESENCE, userId, PresenceSignal.newBuilder()
                .setStatusChosen(StatusChosen.newBuilder().setUserId(userId).setStatus(proto(choice.status()))
                        .setStatusText(choice.statusText()))
                .build().toByteArray());
    }

    @Override
    public void changed(PresenceTracker.Presence presence, PresenceAudience audience) {
        bus.publish(Topics.PRESENCE_CHANGES, presence.userId(), PresenceChanged.newBuilder()
                .setPresence(proto(presence))
                .addAllFriendIds(audience.friendIds())
                .addAllBlockedUserIds(audience.blockedUserIds())
                .build().toByteArray()).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        UNPUBLISHED_LOG.warn(log, "presence change not published: {}", failure.toString());
                    }
                });
    }

    /** The public form of a presence. */
    public static Presence proto(PresenceTracker.Presence presence) {
        Presence.Builder proto = Presence.newBuilder()
                .setUserId(presence.userId())
                .setStatus(proto(presence.status()))
                .setStatusText(presence.statusText());
        if (presence.lastSeenTime() != null) {
            proto.setLastSeenTime(ApiTimes.timestamp(presence.lastSeenTime()));
        }
        return proto.build();
    }

    /** Null for what a user cannot choose. */
    public static PresenceTracker.Status status(PresenceStatus status) {
        return switch (status) {
            case PRESENCE_STATUS_ONLINE -> PresenceTracker.Status.ONLINE;
            case PRESENCE_STATUS_AWAY -> PresenceTracker.Status.AWAY;
            case PRESENCE_STATUS_DO_NOT_DISTURB -> PresenceTracker.Status.DO_NOT_DISTURB;
            default -> null;
        };
    }

    public static PresenceStatus proto(PresenceTracker.Status status) {
        return switch (status) {
            case OFFLINE -> PresenceStatus.PRESENCE_STATUS_OFFLINE;
            case ONLINE -> PresenceStatus.PRESENCE_STATUS_ONLINE;
            case AWAY -> PresenceStatus.PRESENCE_STATUS_AWAY;
            case DO_NOT_DISTURB -> PresenceStatus.PRESENCE_STATUS_DO_NOT_DISTURB;
        };
    }

    @Override
    public void close() {
        expiry.shutdownNow();
        if (subscription != null) {
            subscription.close();
        }
    }
}
