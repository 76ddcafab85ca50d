package io.chatmesh.chat.domain;

/**
 * The result stored under a sender's client_id.
 *
 * @param pendingEvent null once the bus acknowledged the message; otherwise the event whose
 *        publish failed with an unknown outcome, to be published again as it is
 */
public record SentMessage(Message message, RoomEventPayload pendingEvent) {

    public boolean pending() {
        return pendingEvent != null;
    }
}
