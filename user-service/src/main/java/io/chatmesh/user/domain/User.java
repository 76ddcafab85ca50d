package io.chatmesh.user.domain;

import java.time.Instant;

/** An account as other users see it; the username is already lower-case. */
public record User(String id, String username, String displayName, Instant createTime) {}
