package io.chatmesh.chat.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatmesh.chat.bus.MessageProtos;
import io.chatmesh.chat.domain.Message;
import io.chatmesh.chat.domain.SentMessageStore;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Send results in PostgreSQL, as the chatmesh.message.v1.Message the sender got. */
public final class JdbiSentMessageStore implements SentMessageStore {

    private final Jdbi jdbi;

    public JdbiSentMessageStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Optional<Message> find(String senderId, String clientId) {
        return jdbi.withExtension(SentMessageDao.class, dao -> dao.find(senderId, clientId)).map(JdbiSentMessageStore::parse);
    }

    @Override
    public Message remember(Message message) {
        boolean stored = jdbi.withExtension(SentMessageDao.class, dao -> dao.insert(message.senderId(), message.clientId(),
                message.roomId(), message.id(), MessageProtos.toProto(message).toByteArray(), message.createTime()));
        return stored ? message : find(message.senderId(), message.clientId()).orElseThrow();
    }

    private static Message parse(byte[] stored) {
        try {
            return MessageProtos.fromProto(io.chatmesh.proto.message.v1.Message.parseFrom(stored));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt row in sent_messages", e);
        }
    }
}
