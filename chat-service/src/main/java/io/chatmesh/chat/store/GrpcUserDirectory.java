package io.chatmesh.chat.store;

import io.chatmesh.chat.domain.UserDirectory;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.client.RelationshipClient;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The user directory is user-service: its internal RelationshipService, asked through the
 * platform's {@link RelationshipClient} (shared with signaling-service), answers which users
 * exist and how they stand to the caller.
 */
public final class GrpcUserDirectory implements UserDirectory {

    private final RelationshipClient users;

    public GrpcUserDirectory(RelationshipClient users) {
        this.users = users;
    }

    @Override
    public Map<String, Relation> relations(Principal caller, Collection<String> userIds) {
        Map<String, Relation> found = new HashMap<>();
        users.relations(caller, userIds).forEach((userId, r) ->
                found.put(userId, new Relation(r.blocked(), r.friends(), r.otherAcceptsDirectMessagesFromAnyone())));
        return found;
    }
}
