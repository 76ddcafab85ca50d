package io.chatmesh.signaling.domain;

import java.util.concurrent.CompletionStage;

/**
 * Where invitation commands are put in order: the event bus, which hands every command
 * (this instance's own too) back to {@link CallRinging#apply} on every instance.
 */
public interface InvitationLog {

    /**
     * @return completes once the bus accepted the command; fails when it did not (the command
     *         then changed nothing)
     */
    CompletionStage<Void> append(String requestId, InvitationCommand command);
}
