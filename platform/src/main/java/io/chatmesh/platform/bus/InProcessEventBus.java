package io.chatmesh.platform.bus;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: one JVM, two dispatcher threads per topic that hand events to the
 * subscribers in publish order: one serves the durable subscribers (persistence), the other the
 * live subscribers (fan-out to connected clients), which so never wait for persistence. A publish
 * completes once every durable subscriber accepted its events and the live ones were handed them
 * (so the fan-out and the persister run side by side, and a completed publish was persisted and
 * seen live); it fails when a durable subscriber failed it. As with Kafka, where persister and
 * fan-out are separate consumers, a live subscriber may see an event that a durable one then
 * fails: the publisher publishes it again and live consumers drop repeats. Nothing survives the
 * JVM, which is why production uses Kafka.
 *
 * <p>Publishers only enqueue: the durable dispatcher takes everything queued at once and gives it to
 * each durable {@link RunHandler} as one run (one transaction for many publishers: group
 * commit). When it fails such a combined run, the publications in it are handed over again one
 * by one, so each fails or succeeds on its own. Other handlers get one event at a time; an
 * event they fail fails its publication. A subscriber must not wait for a publish
 * to the topic it is serving (the dispatcher would wait for itself). A publication of no events
 * is a barrier: it completes once every publication before it was handed to every subscriber.
 *
 * <p>Metrics ({@link BusMeters}): a publish is timed until it completes, an event's consumption
 * from its enqueueing until each subscriber handled it, and the lag is the number of publications
 * queued but not yet taken by the dispatcher further behind.
 */
public final class InProcessEventBus implements EventBus {

    private static final Logger log = LoggerFactory.getLogger(InProcessEventBus.class);
    /** Most events handed to subscribers in one run. */
    private static final int MAX_RUN = 1024;

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final BusMeters meters;
    private volatile boolean closed;

    /** With its meters in Micrometer's global registry (which the services' registries join). */
    public InProcessEventBus() {
        this(Metrics.globalRegistry);
    }

    public InProcessEventBus(MeterRegistry registry) {
        this.meters = new BusMeters(registry);
    }

    private record Durable(String group, EventHandler handler) {}

    /** @param enqueuedAt System.nanoTime when it was published */
    /**
     * @param handOvers how many dispatchers have yet to hand it over (durable, and live when the
     *        topic has live subscribers); the publish completes when the last one did
     */
    private record Publication(List<Event> events, CompletableFuture<Void> accepted, long enqueuedAt,
            AtomicInteger handOvers) {

        void handedOver() {
            if (handOvers.decrementAndGet() == 0) {
                accepted.complete(null);
            }
        }
    }

    @Override
    public CompletableFuture<Void> publishAll(String topic, List<Event> events) {
        long start = System.nanoTime();
        BusMeters.TopicMeters topicMeters = meters.topic(topic);
        if (closed) {
            CompletableFuture<Void> refused = CompletableFuture.failedFuture(new IllegalStateException("event bus closed"));
            topicMeters.timePublish(refused, start);
            return refused;
        }
        Topic subscribers = topics.get(topic);
        if (subscribers == null) {
            CompletableFuture<Void> accepted = CompletableFuture.completedFuture(null);
            topicMeters.timePublish(accepted, start);
            return accepted;
        }
        Publication publication = new Publication(List.copyOf(events), new CompletableFuture<>(), start,
                new AtomicInteger());
        subscribers.add(publication);
        topicMeters.timePublish(publication.accepted, start);
        return publication.accepted;
    }

    /**
     * In one JVM every group has one member, so each subscription gets every event; a second
     * subscription in a group that already has one is refused rather than silently duplicated.
     * A durable subscriber that throws fails the publish (the event was not accepted).
     */
    @Override
    public Subscription subscribe(String topic, String group, EventHandler handler) {
        Topic subscribers = topic(topic);
        Durable subscription = new Durable(group, handler);
        synchronized (subscribers) {
            if (subscribers.durable.stream().anyMatch(s -> s.group.equals(group))) {
                throw new IllegalStateException("group " + group + " already subscribed to " + topic);
            }
            subscribers.durable.add(subscription);
        }
        return () -> subscribers.durable.remove(subscription);
    }

    @Override
    public Subscription subscribeLive(String topic, EventHandler handler) {
        Topic subscribers = topic(topic);
        subscribers.live.add(handler);
        return () -> subscribers.live.remove(handler);
    }

    /** Stops the dispatchers; publications still queued fail. */
    @Override
    public void close() {
        closed = true;
        topics.values().forEach(Topic::stop);
        topics.clear();
        meters.close();
    }

    private Topic topic(String name) {
        if (closed) {
            throw new IllegalStateException("event bus closed");
        }
        return topics.computeIfAbsent(name, t -> {
            Topic created = new Topic(t, meters.topic(t));
            meters.lagOf(t, created::lag);
            return created;
        });
    }

    /**
     * The subscribers of one topic and the two threads that serve them: one hands publications
     * to the durable subscribers, the other to the live subscribers, and the later of the two
     * completes a publication. Live delivery thus never waits for persistence (nor persistence
     * for a slow fan-out).
     */
    private static final class Topic {

        final String name;
        final BusMeters.TopicMeters meters;
        final List<Durable> durable = new CopyOnWriteArrayList<>();
        final List<EventHandler> live = new CopyOnWriteArrayList<>();
        final RunDispatcher<Publication> durableDispatcher;
        final RunDispatcher<Publication> liveDispatcher;

        Topic(String name, BusMeters.TopicMeters meters) {
            this.name = name;
            this.meters = meters;
            this.durableDispatcher = new RunDispatcher<>("event-bus-" + name, MAX_RUN, p -> p.events.size(), this::deliverDurable);
            this.liveDispatcher = new RunDispatcher<>("event-bus-" + name + "-live", MAX_RUN, p -> p.events.size(), this::deliverLive);
        }

        void add(Publication publication) {
            boolean toLive = !live.isEmpty();
            publication.handOvers.set(toLive ? 2 : 1);
            if (toLive) {
                liveDispatcher.add(publication);
            }
            durableDispatcher.add(publication);
        }

        /** Publications not yet taken by the dispatcher further behind. */
        long lag() {
            return Math.max(durableDispatcher.queued(), liveDispatcher.queued());
        }

        /** Stops both threads; what they had not handled yet fails (a completed publish stays completed). */
        void stop() {
            IllegalStateException closed = new IllegalStateException("event bus closed");
            liveDispatcher.stop().forEach(p -> p.accepted.completeExceptionally(closed));
            durableDispatcher.stop().forEach(p -> p.accepted.completeExceptionally(closed));
        }

        /**
         * Each durable subscriber in turn; a publication counts as accepted only when all of them
         * took it.
         */
        private void deliverDurable(List<Publication> run) {
            Set<Publication> failed = Collections.newSetFromMap(new IdentityHashMap<>());
            try {
                handOverToDurable(run, failed);
            } catch (RuntimeException e) {
                run.forEach(p -> fail(p, e, failed));
                throw e;
            }
            run.stream().filter(p -> !failed.contains(p)).forEach(Publication::handedOver);
        }

        private void handOverToDurable(List<Publication> run, Set<Publication> failed) {
            for (Durable subscription : durable) {
                List<Publication> open = run.stream().filter(p -> !p.events.isEmpty() && !failed.contains(p)).toList();
                if (subscription.handler instanceof RunHandler runs) {
                    handOver(runs, open, failed);
                } else {
                    open.forEach(publication -> handleOneByOne(subscription.handler, publication, failed));
                }
                consumed(open, failed);
            }
        }

        /** Each live subscriber gets every event, one publication at a time. */
        private void deliverLive(List<Publication> run) {
            for (Publication publication : run) {
                for (Event event : publication.events) {
                    for (EventHandler handler : live) {
                        try {
                            handler.handle(event.key(), event.payload());
                        } catch (Exception | Error e) {
                            // A live subscriber's trouble is its own; the event is accepted.
                            log.warn("live subscriber of {} failed on an event", name, e);
                        }
                    }
                }
                publication.handedOver();
            }
            consumed(run, Set.of());
        }

        private void consumed(List<Publication> handled, Set<Publication> failed) {
            long now = System.nanoTime();
            for (Publication publication : handled) {
                if (!failed.contains(publication)) {
                    for (int i = 0; i < publication.events.size(); i++) {
                        meters.consumed(now - publication.enqueuedAt);
                    }
                }
            }
        }

        /** The whole run at once; if that fails, each publication on its own, so only a bad one fails. */
        private static void handOver(RunHandler runs, List<Publication> open, Set<Publication> failed) {
            if (open.isEmpty()) {
                return;
            }
            try {
                runs.handleAll(eventsOf(open));
                return;
            } catch (Exception e) {
                if (open.size() == 1) {
                    fail(open.getFirst(), e, failed);
                    return;
                }
            }
            for (Publication publication : open) {
                try {
                    runs.handleAll(publication.events);
                } catch (Exception e) {
                    fail(publication, e, failed);
                }
            }
        }

        private static void handleOneByOne(EventHandler handler, Publication publication, Set<Publication> failed) {
            try {
                for (Event event : publication.events) {
                    handler.handle(event.key(), event.payload());
                }
            } catch (Exception e) {
                fail(publication, e, failed);
            }
        }

        private static void fail(Publication publication, Exception cause, Set<Publication> failed) {
            failed.add(publication);
            publication.accepted.completeExceptionally(cause);
        }

        private static List<Event> eventsOf(List<Publication> run) {
            if (run.size() == 1) {
                return run.getFirst().events;
            }
            List<Event> events = new ArrayList<>();
            run.forEach(p -> events.addAll(p.events));
            return events;
        }
    }
}
