package io.chatmesh.signaling.api;

import java.time.Duration;

/**
 * @param heartbeatInterval sent in Joined: how often WebSocket-bridge clients must ping
 * @param outboundQueueCapacity events that may wait for one client before it counts as too slow
 */
public record StreamSettings(Duration heartbeatInterval, int outboundQueueCapacity) {}
