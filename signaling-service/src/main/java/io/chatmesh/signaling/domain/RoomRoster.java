package io.chatmesh.signaling.domain;

import io.chatmesh.platform.auth.Principal;
import java.util.List;

/** Who to ring: the room's members (chat-service), and whether two users blocked each other. */
public interface RoomRoster {

    /**
     * The room's members other than the caller, asked as the caller.
     *
     * @throws io.chatmesh.platform.error.ChatmeshException NOT_FOUND / PERMISSION_DENIED for
     *         non-members, FAILED_PRECONDITION when the room has too many members to ring
     */
    List<String> otherMembers(Principal caller, String roomId);

    /** Whether either user blocked the other; a ring never crosses a block. */
    boolean blockedEitherWay(Principal caller, String otherUserId);
}
