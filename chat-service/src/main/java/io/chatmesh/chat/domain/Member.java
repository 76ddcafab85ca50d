package io.chatmesh.chat.domain;

import java.time.Instant;

/** One membership. */
public record Member(String roomId, String userId, MemberRole role, Instant joinTime) {}
