package io.chatmesh.signaling.domain;

/**
 * A change to a room's invitation. Every instance applies the commands in the order of the
 * event bus (per room), so competing commands (an accept and a cancel, two rings) are decided
 * the same way everywhere: the first one that still applies wins.
 */
public sealed interface InvitationCommand {

    String roomId();

    /** A new ring; refused when the room already rings. */
    record Ring(Invitation invitation) implements InvitationCommand {
        @Override
        public String roomId() {
            return invitation.roomId();
        }
    }

    /**
     * A callee accepts or declines, the caller cancels, or the ring times out (MISSED, no user).
     *
     * @param userId who answered; null for a timeout
     */
    record Transition(String roomId, String callId, String userId, Invitation.State state)
            implements InvitationCommand {}
}
