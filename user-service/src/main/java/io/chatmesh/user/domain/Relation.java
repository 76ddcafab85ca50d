package io.chatmesh.user.domain;

/**
 * How one user stands to another, for other services' checks.
 *
 * @param blocked either blocked the other
 * @param otherAcceptsDirectMessagesFromAnyone the other user's setting
 */
public record Relation(String otherUserId, boolean blocked, boolean friends, boolean otherAcceptsDirectMessagesFromAnyone) {}
