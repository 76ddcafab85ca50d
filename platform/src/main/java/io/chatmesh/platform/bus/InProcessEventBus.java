package io.chatmesh.platform.bus;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: one JVM, one dispatcher thread per topic that hands events to the
 * subscribers in publish order. Durable subscribers (persistence) run first; only when all of
 * them accepted an event do live subscribers (fan-out to connected clients) see it, and only
 * then does its publish complete. So a client never sees a message live whose publish failed,
 * and a publish that completed was persisted. Nothing survives the JVM, which is why
 * production uses Kafka.
 *
 * <p>Publishers only enqueue: the dispatcher takes everything queued at once and gives it to
 * each durable {@link RunHandler} as one run (one transaction for many publishers: group
 * commit). When it fails such a combined run, the publications in it are handed over again one
 * by one, so each fails or succeeds on its own. Other handlers get one event at a time; an
 * event they fail fails its publication. A subscriber must not wait for a publish
 * to the topic it is serving (the dispatcher would wait for itself). A publication of no events
 * completes once every publication before it did.
 *
 * <p>Metrics ({@link BusMeters}): a publish is timed until it completes, an event's consumption
 * from its enqueueing until each subscriber handled it, and the lag is the number of publications
 * queued but not yet taken by the dispatcher.
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
    private record Publication(List<Event> events, CompletableFuture<Void> accepted, long enqueuedAt) {}

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
        Publication publication = new Publication(List.copyOf(events), new CompletableFuture<>(), start);
        subscribers.queue.add(publication);
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
            meters.lagOf(t, created.queue::size);
            return created;
        });
    }

    /** The subscribers of one topic and the thread that serves them. */
    private static final class Topic {

        final String name;
        final BusMeters.TopicMeters meters;
        final List<Durable> durable = new CopyOnWriteArrayList<>();
        final List<EventHandler> live = new CopyOnWriteArrayList<>();
        final BlockingQueue<Publication> queue = new LinkedBlockingQueue<>();
        final Thread dispatcher;
        volatile boolean stopped;

        Topic(String name, BusMeters.TopicMeters meters) {
            this.name = name;
            this.meters = meters;
            // daemon: a bus nobody closed must not keep the JVM alive
            this.dispatcher = Thread.ofPlatform().name("event-bus-" + name).daemon().start(this::dispatch);
        }

        void stop() {
            stopped = true;
            dispatcher.interrupt();
            List<Publication> left = new ArrayList<>();
            queue.drainTo(left);
            left.forEach(p -> p.accepted.completeExceptionally(new IllegalStateException("event bus closed")));
        }

        private void dispatch() {
            List<Publication> run = new ArrayList<>();
            while (!stopped) {
                try {
                    run.add(queue.take());
                } catch (InterruptedException e) {
                    return;
                }
                int events = run.getFirst().events.size();
                while (events < MAX_RUN) {
                    Publication next = queue.poll();
                    if (next == null) {
                        break;
                    }
                    run.add(next);
                    events += next.events.size();
                }
                try {
                    deliver(run);
                } catch (RuntimeException e) {
                    log.error("dispatching events of {} failed", name, e);
                    run.forEach(p -> p.accepted.completeExceptionally(e));
                }
                run.clear();
            }
        }

        /**
         * Durable subscribers first, each publication counting as accepted only when all of them
         * took it; then live subscribers, one publication at a time, and the publishers learn.
         */
        private void deliver(List<Publication> run) {
            Set<Publication> failed = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Durable subscription : durable) {
                List<Publication> open = run.stream().filter(p -> !p.events.isEmpty() && !failed.contains(p)).toList();
                if (subscription.handler instanceof RunHandler runs) {
                    handOver(runs, open, failed);
                } else {
                    open.forEach(publication -> handleOneByOne(subscription.handler, publication, failed));
                }
                long now = System.nanoTime();
                for (Publication publication : open) {
                    for (int i = 0; i < publication.events.size() && !failed.contains(publication); i++) {
                        meters.consumed(now - publication.enqueuedAt);
                    }
                }
            }
            for (Publication publication : run) {
                if (failed.contains(publication)) {
                    continue;
                }
                for (Event event : publication.events) {
                    for (EventHandler handler : live) {
                        try {
                            handler.handle(event.key(), event.payload());
                            meters.consumed(System.nanoTime() - publication.enqueuedAt);
                        } catch (Exception e) {
                            // A live subscriber's trouble is its own; the event is accepted.
                            log.warn("live subscriber of {} failed on an event", name, e);
                        }
                    }
                }
                publication.accepted.complete(null);
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
