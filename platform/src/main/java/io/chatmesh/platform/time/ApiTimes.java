package io.chatmesh.platform.time;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Times as every chatmesh API shows them: google.protobuf.Timestamp with millisecond
 * precision. Milliseconds are what every store keeps (MongoDB dates have no finer grain), so a
 * message's create_time in a live event, an Ack, SendMessage, GetMessage and ListMessages is
 * the same value, whichever store answers.
 */
public final class ApiTimes {

    private ApiTimes() {}

    public static Timestamp timestamp(Instant instant) {
        Instant millis = instant.truncatedTo(ChronoUnit.MILLIS);
        return Timestamp.newBuilder().setSeconds(millis.getEpochSecond()).setNanos(millis.getNano()).build();
    }

    public static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
