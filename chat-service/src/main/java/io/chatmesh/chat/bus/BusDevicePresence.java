package io.chatmesh.chat.bus;

import io.chatmesh.chat.domain.DevicePresence;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.platform.logging.LogThrottle;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.user.internal.v1.DeviceStream;
import io.chatmesh.proto.user.internal.v1.PresenceSignal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DevicePresence} as chatmesh.user.internal.v1.PresenceSignal (DeviceStream) on the bus,
 * keyed by user id: at once when a device's first stream here opens or its last one ends, and
 * for every connected device every heartbeat interval, which keeps it online in user-service
 * (a device not heard of for user-service's timeout, say after this instance crashed, goes offline).
 */
public final class BusDevicePresence implements DevicePresence, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BusDevicePresence.class);
    /** While the bus is down, every stream opened or closed fails to publish. */
    private static final LogThrottle UNPUBLISHED_LOG = new LogThrottle(Duration.ofSeconds(10));

    private record Device(String userId, String deviceId) {}

    private final EventBus bus;
    private final Clock clock;
    private final Duration heartbeat;
    private final String instanceId = Ids.newId();
    /** Streams per connected device of this instance. */
    private final Map<Device, Integer> streams = new ConcurrentHashMap<>();
    private final ScheduledExecutorService beats =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("presence-heartbeat").daemon().factory());

    public BusDevicePresence(EventBus bus, Clock clock, Duration heartbeat) {
        this.bus = bus;
        this.clock = clock;
        this.heartbeat = heartbeat;
    }

    public void start() {
        beats.scheduleWithFixedDelay(this::beat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void opened(String userId, String deviceId) {
        Device device = new Device(userId, deviceId);
        if (streams.merge(device, 1, Integer::sum) == 1) {
            publish(List.of(signal(device, true)));
        }
    }

    @Override
    public void closed(String userId, String deviceId) {
        Device device = new Device(userId, deviceId);
        if (streams.computeIfPresent(device, (d, count) -> count == 1 ? null : count - 1) == null) {
            publish(List.of(signal(device, false)));
        }
    }

    private void beat() {
        publish(streams.keySet().stream().map(device -> signal(device, true)).toList());
    }

    private EventBus.Event signal(Device device, boolean open) {
        return new EventBus.Event(device.userId(), PresenceSignal.newBuilder().setDeviceStream(DeviceStream.newBuilder()
                .setUserId(device.userId()).setDeviceId(device.deviceId()).setOpen(open)
                .setTime(ApiTimes.timestamp(clock.instant())).setInstanceId(instanceId)).build().toByteArray());
    }

    /** Presence is best effort: a lost signal is corrected by the next heartbeat or the timeout. */
    private void publish(List<EventBus.Event> events) {
        if (events.isEmpty()) {
            return;
        }
        bus.publishAll(Topics.PRESENCE, events).whenComplete((ok, failure) -> {
            if (failure != null) {
                UNPUBLISHED_LOG.warn(log, "presence signals not published: {}", failure.toString());
            }
        });
    }

    @Override
    public void close() {
        beats.shutdownNow();
    }
}
