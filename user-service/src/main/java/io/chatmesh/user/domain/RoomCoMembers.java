package io.chatmesh.user.domain;

import io.chatmesh.platform.auth.Principal;
import java.util.Collection;
import java.util.Set;

/** Port: who shares a presence-sharing room with the caller (chat-service owns rooms). */
public interface RoomCoMembers {

    /**
     * @param caller whose identity the question is asked with, and about
     * @param otherIds 1 to 100 ids
     * @return those of {@code otherIds} who share such a room with the caller; empty when the
     *         rooms' owner cannot answer (presence fails closed: co-members then look offline)
     */
    Set<String> of(Principal caller, Collection<String> otherIds);
}
