package io.chatmesh.chat.bus;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.WireFormat;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import io.chatmesh.proto.chat.v1.MessageCreated;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Turns a message_created room event into the ServerFrames its sessions get by copying the
 * Message's bytes as the publisher encoded them, never decoding its strings to encode them
 * again: parsing the event, clearing the client_id on a copy and encoding the ServerEvent twice
 * (for the sender's sessions and everyone else's) was 7% of the JVM's samples at 9,000 messages/s
 * (performance.md, "The fan-out copies a new message's bytes"). Only the room id, the
 * seqs, the sender and the creation time are read. The frames are the bytes protobuf would
 * encode for the same ServerEvent; an event whose fields are repeated (which protobuf merges,
 * and the publisher never writes) is first brought to protobuf's own encoding.
 */
final class CreatedMessageFrames {

    private static final int EVENT_ROOM_ID = tag(RoomEvent.ROOM_ID_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int EVENT_PREV_SEQ = tag(RoomEvent.PREV_SEQ_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
    private static final int EVENT_MESSAGE_CREATED =
            tag(RoomEvent.MESSAGE_CREATED_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int CREATED_MESSAGE = tag(MessageCreated.MESSAGE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int MESSAGE_SEQ = tag(Message.SEQ_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
    private static final int MESSAGE_SENDER_ID = tag(Message.SENDER_ID_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int MESSAGE_CLIENT_ID = tag(Message.CLIENT_ID_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int MESSAGE_CREATE_TIME =
            tag(Message.CREATE_TIME_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    /**
     * A message_created event as the fan-out hands it on.
     *
     * @param delivery the frames, or null for a message without a seq (sessions do not get it)
     * @param createTime the message's creation time
     */
    record Read(String roomId, RoomDelivery delivery, Instant createTime) {}

    private CreatedMessageFrames() {}

    /**
     * Reads an encoded RoomEvent.
     *
     * @return null when the event is not a message_created one
     * @throws InvalidProtocolBufferException when the bytes are no RoomEvent
     */
    static Read read(byte[] payload) throws InvalidProtocolBufferException {
        Fields fields = Fields.scan(payload);
        if (fields == null) {
            payload = RoomEvent.parseFrom(payload).toByteArray();
            fields = Fields.scan(payload);
            if (fields == null) {
                throw new IllegalStateException("protobuf's encoding repeats a field");
            }
        }
        if (fields.lastOneofField != RoomEvent.MESSAGE_CREATED_FIELD_NUMBER) {
            return null;
        }
        Instant createTime = ApiTimes.instant(fields.createTimeLength == 0 ? Timestamp.getDefaultInstance()
                : Timestamp.parser().parseFrom(payload, fields.createTimeStart, fields.createTimeLength));
        if (fields.seq <= 0) {
            return new Read(fields.roomId, null, createTime);
        }
        ServerFrame asSent = new ServerFrame(serverEvent(payload, fields, false));
        if (fields.clientIdEnd == fields.clientIdStart) {
            return new Read(fields.roomId, new RoomDelivery(fields.roomId, fields.seq, fields.prevSeq, asSent), createTime);
        }
        // the client_id is the sender's idempotency key: its own sessions get it, nobody else
        ServerFrame withoutClientId = new ServerFrame(serverEvent(payload, fields, true));
        if (fields.clientIdEmpty) {
            return new Read(fields.roomId, new RoomDelivery(fields.roomId, fields.seq, fields.prevSeq, withoutClientId),
                    createTime);
        }
        return new Read(fields.roomId, new RoomDelivery(fields.roomId, fields.seq, fields.prevSeq, withoutClientId,
                fields.senderId, asSent), createTime);
    }

    /**
     * ServerEvent{message_created = the event's MessageCreated}, its Message's client_id field
     * left out when {@code withoutClientId}.
     */
    private static byte[] serverEvent(byte[] payload, Fields fields, boolean withoutClientId) {
        int createdLength = fields.createdEnd - fields.createdStart;
        int messageLength = fields.messageEnd - fields.messageStart - (fields.clientIdEnd - fields.clientIdStart);
        if (withoutClientId) {
            createdLength += -(fields.messageEnd - fields.messageFieldStart)
                    + CodedOutputStream.computeTagSize(MessageCreated.MESSAGE_FIELD_NUMBER)
                    + CodedOutputStream.computeUInt32SizeNoTag(messageLength) + messageLength;
        }
        byte[] out = new byte[CodedOutputStream.computeTagSize(ServerEvent.MESSAGE_CREATED_FIELD_NUMBER)
                + CodedOutputStream.computeUInt32SizeNoTag(createdLength) + createdLength];
        CodedOutputStream writer = CodedOutputStream.newInstance(out);
        try {
            writer.writeTag(ServerEvent.MESSAGE_CREATED_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            writer.writeUInt32NoTag(createdLength);
            if (withoutClientId) {
                writer.writeRawBytes(payload, fields.createdStart, fields.messageFieldStart - fields.createdStart);
                writer.writeTag(MessageCreated.MESSAGE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                writer.writeUInt32NoTag(messageLength);
                writer.writeRawBytes(payload, fields.messageStart, fields.clientIdStart - fields.messageStart);
                writer.writeRawBytes(payload, fields.clientIdEnd, fields.messageEnd - fields.clientIdEnd);
                writer.writeRawBytes(payload, fields.messageEnd, fields.createdEnd - fields.messageEnd);
            } else {
                writer.writeRawBytes(payload, fields.createdStart, createdLength);
            }
            writer.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array of the computed size does not overflow
        }
        return out;
    }

    private static int tag(int fieldNumber, int wireType) {
        return fieldNumber << 3 | wireType; // WireFormat.makeTag, which protobuf keeps to itself
    }

    /** Where the fields read are in the payload; null from {@link #scan} when one of them is repeated. */
    private static final class Fields {
        String roomId = "";
        long prevSeq;
        int lastOneofField;
        int createdStart = -1;
        int createdEnd;
        int messageFieldStart = -1;
        int messageStart;
        int messageEnd;
        long seq;
        boolean seqSeen;
        String senderId = "";
        boolean senderSeen;
        int clientIdStart = -1;
        int clientIdEnd = -1;
        boolean clientIdEmpty;
        int createTimeStart = -1;
        int createTimeLength;

        static Fields scan(byte[] payload) throws InvalidProtocolBufferException {
            Fields fields = new Fields();
            return fields.scanEvent(payload) ? fields : null;
        }

        private boolean scanEvent(byte[] payload) throws InvalidProtocolBufferException {
            CodedInputStream in = CodedInputStream.newInstance(payload);
            try {
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    int field = WireFormat.getTagFieldNumber(tag);
                    if (tag == EVENT_ROOM_ID) {
                        roomId = in.readStringRequireUtf8(); // repeated: the last one counts, as in protobuf
                    } else if (tag == EVENT_PREV_SEQ) {
                        prevSeq = in.readInt64();
                    } else if (tag == EVENT_MESSAGE_CREATED) {
                        if (createdStart >= 0) {
                            return false;
                        }
                        int length = in.readRawVarint32();
                        createdStart = in.getTotalBytesRead();
                        createdEnd = createdStart + length;
                        in.skipRawBytes(length);
                        lastOneofField = field;
                    } else {
                        if (field > RoomEvent.MESSAGE_CREATED_FIELD_NUMBER
                                && field <= RoomEvent.MEMBERSHIP_CHANGED_FIELD_NUMBER
                                && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                            lastOneofField = field;
                        }
                        in.skipField(tag);
                    }
                }
                return createdStart < 0 || scanCreated(payload);
            } catch (InvalidProtocolBufferException e) {
                throw e;
            } catch (IOException e) {
                throw new InvalidProtocolBufferException(e);
            }
        }

        private boolean scanCreated(byte[] payload) throws IOException {
            CodedInputStream in = CodedInputStream.newInstance(payload, createdStart, createdEnd - createdStart);
            for (int fieldStart = in.getTotalBytesRead(), tag = in.readTag(); tag != 0;
                    fieldStart = in.getTotalBytesRead(), tag = in.readTag()) {
                if (tag != CREATED_MESSAGE) {
                    in.skipField(tag);
                    continue;
                }
                if (messageFieldStart >= 0) {
                    return false;
                }
                messageFieldStart = createdStart + fieldStart;
                int length = in.readRawVarint32();
                messageStart = createdStart + in.getTotalBytesRead();
                messageEnd = messageStart + length;
                in.skipRawBytes(length);
            }
            return messageFieldStart < 0 || scanMessage(payload);
        }

        private boolean scanMessage(byte[] payload) throws IOException {
            CodedInputStream in = CodedInputStream.newInstance(payload, messageStart, messageEnd - messageStart);
            for (int fieldStart = in.getTotalBytesRead(), tag = in.readTag(); tag != 0;
                    fieldStart = in.getTotalBytesRead(), tag = in.readTag()) {
                if (tag == MESSAGE_SEQ) {
                    if (seqSeen) {
                        return false;
                    }
                    seqSeen = true;
                    seq = in.readInt64();
                } else if (tag == MESSAGE_SENDER_ID) {
                    if (senderSeen) {
                        return false;
                    }
                    senderSeen = true;
                    senderId = in.readStringRequireUtf8();
                } else if (tag == MESSAGE_CLIENT_ID) {
                    if (clientIdStart >= 0) {
                        return false;
                    }
                    clientIdStart = messageStart + fieldStart;
                    int length = in.readRawVarint32();
                    in.skipRawBytes(length);
                    clientIdEmpty = length == 0;
                    clientIdEnd = messageStart + in.getTotalBytesRead();
                } else if (tag == MESSAGE_CREATE_TIME) {
                    if (createTimeStart >= 0) {
                        return false;
                    }
                    createTimeLength = in.readRawVarint32();
                    createTimeStart = messageStart + in.getTotalBytesRead();
                    in.skipRawBytes(createTimeLength);
                } else {
                    in.skipField(tag);
                }
            }
            return true;
        }
    }
}
