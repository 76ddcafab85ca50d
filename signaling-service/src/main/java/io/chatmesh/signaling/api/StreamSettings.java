package io.chatmesh.signaling.api;

import java.time.Duration;

/**
 * @param heartbeatInterval sent in Joined: how often WebSocket-bridge clients must ping
 * @param outboundQueueCapacity events that may wait for one client before it counts as too slow
 * @param joinTimeout a stream not authenticated by a Join this long after opening is closed
 *        (UNAUTHENTICATED)
 */
public record StreamSettings(Duration heartbeatInterval, int outboundQueueCapacity, Duration joinTimeout) {}
