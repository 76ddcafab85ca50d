package io.chatmesh.chat.api;

import java.time.Duration;

/**
 * Settings of the chat stream.
 *
 * @param heartbeatInterval how often clients without HTTP/2 pings should Ping (sent in Ready)
 * @param queueCapacity events a session may have waiting to be written; one more closes it
 *        (RESOURCE_EXHAUSTED, slow consumer)
 * @param typingInterval at most one typing event per room per session per interval
 * @param replayPageSize ListMessages page size of a resume
 * @param historyCatchUpTimeout how long a resume polls message-service for acknowledged
 *        messages it has not stored yet before it gives up (UNAVAILABLE)
 * @param replayStallTimeout how long a resume waits for a client that reads nothing before
 *        it gives up on it (the queue then overflows and the stream closes)
 * @param helloTimeout a stream that sent no valid Hello this long after opening is closed
 *        (UNAUTHENTICATED)
 * @param sessionStartsMax stream starts (Hello until live) one instance runs at once; a Hello
 *        past them is refused at once (RESOURCE_EXHAUSTED, retry delay), see {@link SessionStarts}
 */
public record StreamSettings(Duration heartbeatInterval, int queueCapacity, Duration typingInterval,
        int replayPageSize, Duration historyCatchUpTimeout, Duration replayStallTimeout, Duration helloTimeout,
        int sessionStartsMax) {}
