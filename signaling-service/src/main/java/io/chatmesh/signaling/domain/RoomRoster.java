package io.chatmesh.signaling.domain;

import io.chatmesh.platform.auth.Principal;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Who to ring: the room's members (chat-service), and whether two users blocked each other. */
public interface RoomRoster {

    /**
     * The room's members other than the caller, asked as the caller.
     *
     * @throws io.chatmesh.platform.error.ChatmeshException NOT_FOUND / PERMISSION_DENIED for
     *         non-members, FAILED_PRECONDITION when the room has too many members to ring
     */
    List<String> otherMembers(Principal caller, String roomId);

    /**
     * Those of {@code userIds} who blocked the caller or whom the caller blocked (one question
     * for all of them); a ring never crosses a block.
     *
     * @throws io.chatmesh.platform.error.ChatmeshException UNAVAILABLE when it cannot be told
     */
    Set<String> blockedWith(Principal caller, Collection<String> userIds);
}
