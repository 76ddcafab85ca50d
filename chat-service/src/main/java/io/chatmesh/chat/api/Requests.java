package io.chatmesh.chat.api;

import io.chatmesh.chat.domain.Mentions;
import io.chatmesh.chat.domain.NewMessage;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;

/** Field rules shared by the RPCs and the chat stream (sizes as documented in the protos). */
final class Requests {

    static final int CLIENT_ID_MAX = 64;
    static final int TEXT_MAX = 4000;
    static final int ATTACHMENTS_MAX = 10;
    /** Distinct users one message may mention (@room reaches everyone without listing them). */
    static final int MENTIONS_MAX = 50;
    static final int ROOM_NAME_MAX = 80;
    static final int ROOM_TOPIC_MAX = 512;

    private Requests() {}

    /**
     * The page size a list RPC asks for: 0 means {@code defaultSize}, otherwise 1 to {@code max}.
     * Returns the size to use (only meaningful when the validation passes).
     */
    static int pageSize(Validation validation, String field, int requested, int defaultSize, int max) {
        if (requested == 0) {
            return defaultSize;
        }
        validation.range(field, requested, 1, max);
        return requested;
    }

    /** Text that goes into PostgreSQL text columns, which cannot hold NUL. */
    static Validation noNul(Validation validation, String field, String value) {
        return validation.require(value.indexOf('\0') < 0, field, "must not contain NUL characters");
    }

    /**
     * A send's failure as the caller should see it: field violations found below the API (a
     * reference to a message of another room) named under the request part ({@code prefix}).
     */
    static Throwable sendFailure(String prefix, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof ChatmeshException e ? e.withFieldPrefix(prefix) : failure;
    }

    /**
     * Validates a message to post (fields under {@code prefix}, e.g. "send" or "message") and
     * its client_id (at {@code clientIdField}). Its attachments are claimed afterwards
     * ({@link MessageHistoryClient#withClaimedAttachments}).
     */
    static NewMessage newMessage(String prefix, String clientIdField, String clientId, SendMessageEvent send) {
        Validation validation = new Validation()
                .length(clientIdField, clientId, 1, CLIENT_ID_MAX)
                .id(prefix + ".room_id", send.getRoomId())
                .length(prefix + ".text", send.getText(), send.getAttachmentIdsCount() > 0 ? 0 : 1, TEXT_MAX)
                .optionalId(prefix + ".reply_to_id", send.getReplyToId())
                .optionalId(prefix + ".thread_root_id", send.getThreadRootId())
                .require(send.getAttachmentIdsList().stream().distinct().count() == send.getAttachmentIdsCount(),
                        prefix + ".attachment_ids", "must not repeat an id");
        validation.ids(prefix + ".mentioned_user_ids", send.getMentionedUserIdsList(), 0, MENTIONS_MAX);
        validation.require(Set.copyOf(send.getMentionedUserIdsList()).size() == send.getMentionedUserIdsCount(),
                prefix + ".mentioned_user_ids", "must not repeat a user");
        if (send.getAttachmentIdsCount() <= ATTACHMENTS_MAX) {
            validation.ids(prefix + ".attachment_ids", send.getAttachmentIdsList(), 0, ATTACHMENTS_MAX);
        }
        noNul(validation, clientIdField, clientId);
        // Text is not stored here, but message-service stores it and cannot refuse it later.
        noNul(validation, prefix + ".text", send.getText());
        validation.check();
        if (send.getAttachmentIdsCount() > ATTACHMENTS_MAX) {
            String description = "must be at most " + ATTACHMENTS_MAX + " attachments";
            throw new ChatmeshException(ChatmeshException.Kind.RESOURCE_EXHAUSTED, ChatmeshException.Reason.TOO_LARGE,
                    prefix + ".attachment_ids: " + description,
                    List.of(new ChatmeshException.Violation(prefix + ".attachment_ids", description)));
        }
        return new NewMessage(send.getRoomId(), clientId, send.getText(), send.getReplyToId(), send.getThreadRootId(),
                new Mentions(send.getMentionedUserIdsList(), send.getMentionRoom()));
    }
}
