package io.chatmesh.platform.kafka;

import io.chatmesh.platform.bus.BusMeters;
import io.chatmesh.platform.bus.EventBus;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription = one KafkaConsumer owned by one thread (KafkaConsumer is not thread-safe).
 * {@link #close()} asks that thread to stop with {@link KafkaConsumer#wakeup()}, which is the
 * one call other threads may make, and waits for it to finish.
 *
 * <p>Its {@link #poll} keeps the subscription's lag for the bus's gauge: the records it has
 * not handled yet, i.e. the ones just polled plus, per assigned partition, the log end minus its
 * position as of that poll (from the consumer's fetch state: no request to the broker).
 */
abstract class ConsumerSubscription implements EventBus.Subscription {

    private static final Logger log = LoggerFactory.getLogger(ConsumerSubscription.class);

    /** Longest single poll; closing does not wait for it (wakeup interrupts the poll). */
    static final Duration MAX_POLL_WAIT = Duration.ofSeconds(1);

    protected final KafkaConsumer<String, byte[]> consumer;
    protected final String name;
    protected final String topic;
    protected final Duration apiTimeout;
    protected final BusMeters.TopicMeters meters;
    private final Thread thread;
    private final Consumer<ConsumerSubscription> onClosed;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile long lag;

    ConsumerSubscription(String name, KafkaConsumer<String, byte[]> consumer, String topic, Duration apiTimeout,
            BusMeters.TopicMeters meters, Consumer<ConsumerSubscription> onClosed) {
        this.name = name;
        this.topic = topic;
        this.consumer = consumer;
        this.apiTimeout = apiTimeout;
        this.meters = meters;
        this.onClosed = onClosed;
        // daemon: a subscription nobody closed must not keep the JVM alive
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
    }

    final void start() {
        thread.start();
    }

    /** Polls and handles events while {@link #running()}; runs on the subscription's thread. */
    protected abstract void consume();

    /** Last words before the consumer closes, on the subscription's thread. */
    protected void beforeClose() {}

    protected final boolean running() {
        return running;
    }

    /** Polls, and updates the lag. */
    protected final ConsumerRecords<String, byte[]> poll(Duration wait) {
        ConsumerRecords<String, byte[]> records = consumer.poll(wait);
        long behind = records.count();
        for (TopicPartition partition : consumer.assignment()) {
            behind += consumer.currentLag(partition).orElse(0);
        }
        lag = behind;
        return records;
    }

    final String topic() {
        return topic;
    }

    /** Records not yet handled as of the last poll (any thread). */
    final long lag() {
        return lag;
    }

    /** Records the time from the record's timestamp (its creation by the producer) to now. */
    protected final void consumed(long recordTimestamp, long nowMillis) {
        meters.consumed(TimeUnit.MILLISECONDS.toNanos(nowMillis - recordTimestamp));
    }

    private void run() {
        try {
            consume();
        } catch (WakeupException e) {
            if (running) {
                log.error("subscription {} woken up while running; it stopped", name, e);
            }
        } catch (Throwable e) {
            log.error("subscription {} failed and stopped", name, e);
        } finally {
            try {
                beforeClose();
            } finally {
                consumer.close(CloseOptions.timeout(apiTimeout));
                onClosed.accept(this);
            }
        }
    }

    /**
     * Stops polling, lets the subscription finish the event in hand and close, and waits for
     * that up to twice the api timeout (a last commit plus leaving the group). A handler that
     * is still busy after that finishes in the background.
     */
    @Override
    public final void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        running = false;
        consumer.wakeup();
        if (Thread.currentThread() == thread) {
            return; // closed from inside a handler: the loop ends after it returns
        }
        try {
            if (!thread.join(apiTimeout.multipliedBy(2))) {
                log.warn("subscription {} still busy in its handler; it closes once the handler returns", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
