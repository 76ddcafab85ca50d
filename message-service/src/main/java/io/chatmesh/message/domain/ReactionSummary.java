package io.chatmesh.message.domain;

import java.util.List;

/**
 * How often one emoji was used on a message.
 *
 * @param sampleUserIds up to {@link #MAX_SAMPLE_USERS} of the users who reacted, oldest first
 */
public record ReactionSummary(String emoji, int count, List<String> sampleUserIds) {

    public static final int MAX_SAMPLE_USERS = 10;

    public ReactionSummary {
        sampleUserIds = List.copyOf(sampleUserIds);
    }
}
