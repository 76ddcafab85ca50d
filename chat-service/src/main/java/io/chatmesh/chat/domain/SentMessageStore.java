package io.chatmesh.chat.domain;

import java.util.Optional;

/** Port: the result of every successful send, keyed by (sender, client_id), so retries are idempotent. */
public interface SentMessageStore {

    Optional<Message> find(String senderId, String clientId);

    /**
     * Stores the message as the result of its sender's client_id, unless a concurrent send
     * with the same key stored one first.
     *
     * @return the stored result: {@code message}, or the earlier one
     */
    Message remember(Message message);
}
