package io.chatmesh.platform.http;

import com.linecorp.armeria.server.Server;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops an Armeria server without hanging the process: the future {@link Server#stop()}
 * returns has been seen never to complete (line/armeria#3746; here twice, after load runs, the
 * launcher ignored SIGTERM for minutes), so shutdown waits for it only a bounded time and then
 * goes on closing the rest.
 */
public final class ServerStop {

    private static final Logger log = LoggerFactory.getLogger(ServerStop.class);

    private ServerStop() {}

    /**
     * Stops the server and waits for it at most {@code wait}.
     *
     * @return whether it stopped in time
     */
    public static boolean stop(Server server, String name, Duration wait) throws InterruptedException {
        try {
            server.stop().get(wait.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            log.warn("{} did not stop within {}; going on with the shutdown", name, wait);
            return false;
        } catch (ExecutionException e) {
            log.warn("{} failed to stop: {}", name, e.getCause().toString());
            return false;
        }
    }
}
