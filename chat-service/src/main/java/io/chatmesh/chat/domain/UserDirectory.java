package io.chatmesh.chat.domain;

import io.chatmesh.platform.auth.Principal;
import java.util.Collection;
import java.util.Map;

/** Port: which users exist and how they stand to the caller (user-service owns both). */
public interface UserDirectory {

    /**
     * How the caller stands to one other user.
     *
     * @param blocked either of the two blocked the other
     * @param otherAcceptsDirectMessagesFromAnyone the other user's setting: anyone not blocked may open a direct room
     */
    record Relation(boolean blocked, boolean friends, boolean otherAcceptsDirectMessagesFromAnyone) {}

    /**
     * @param caller whose identity the lookup is made with, and whose relations are answered
     * @param userIds any number of ids
     * @return the relation with each existing user among {@code userIds}; unknown ids are left out
     * @throws io.chatmesh.platform.error.ChatmeshException UNAVAILABLE when the directory cannot answer
     */
    Map<String, Relation> relations(Principal caller, Collection<String> userIds);
}
