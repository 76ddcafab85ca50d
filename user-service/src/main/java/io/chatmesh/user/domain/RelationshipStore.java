package io.chatmesh.user.domain;

import java.util.function.Function;

/** Port: where relationships, blocks and settings live (PostgreSQL). */
public interface RelationshipStore {

    /**
     * Runs {@code work} in one transaction that holds the lock of the pair of users: every
     * change between two users (requests, friendship, follows, blocks) is serialized, so two
     * crossing friend requests or a block racing an accept end in one consistent state.
     */
    <T> T forPair(String userA, String userB, Function<RelationshipRepository, T> work);

    /** Runs {@code work} in one transaction without a pair lock (reads, own settings). */
    <T> T transaction(Function<RelationshipRepository, T> work);
}
