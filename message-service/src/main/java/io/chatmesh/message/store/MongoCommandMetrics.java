package io.chatmesh.message.store;

import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandSucceededEvent;
import io.chatmesh.platform.db.StoreMetrics;
import java.util.concurrent.TimeUnit;

/**
 * Times every command the MongoDB client sends into {@link StoreMetrics} (store {@code mongodb}),
 * by command name ({@code insert}, {@code find}, {@code update}, {@code aggregate}, …: a set the
 * driver bounds), as the driver measured it, whether it succeeded or failed.
 */
public final class MongoCommandMetrics implements CommandListener {

    private final StoreMetrics metrics;

    public MongoCommandMetrics(StoreMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void commandSucceeded(CommandSucceededEvent event) {
        metrics.record(event.getCommandName(), event.getElapsedTime(TimeUnit.NANOSECONDS));
    }

    @Override
    public void commandFailed(CommandFailedEvent event) {
        metrics.record(event.getCommandName(), event.getElapsedTime(TimeUnit.NANOSECONDS));
    }
}
