package io.chatmesh.user.domain;

/**
 * A user's privacy settings.
 *
 * @param acceptDirectMessagesFromAnyone anyone not blocked may open a direct room with the user (else friends only)
 * @param requireFollowApproval follow requests wait for the user's acceptance (else they take effect at once)
 */
public record UserSettings(boolean acceptDirectMessagesFromAnyone, boolean requireFollowApproval) {}
