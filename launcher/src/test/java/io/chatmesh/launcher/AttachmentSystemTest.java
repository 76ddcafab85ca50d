package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.as;
import static io.chatmesh.launcher.Accounts.signUpAndLogIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.DeleteMessageEvent;
import io.chatmesh.proto.chat.v1.DeleteMessageRequest;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.Attachment;
import io.chatmesh.proto.message.v1.DownloadAttachmentRequest;
import io.chatmesh.proto.message.v1.DownloadAttachmentResponse;
import io.chatmesh.proto.message.v1.FinishAttachmentUploadRequest;
import io.chatmesh.proto.message.v1.GetAttachmentUploadRequest;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.message.v1.StartAttachmentUploadRequest;
import io.chatmesh.proto.message.v1.UploadAttachmentChunkRequest;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attachments through the whole embedded stack, over the edge: an upload interrupted and resumed,
 * a wrong hash, the size limit, a send that posts it, the live MessageCreated and history carrying
 * its metadata, downloads over native gRPC (asked as soon as the live message arrives, so possibly
 * before message-service stored it) and gRPC-Web with identical bytes, and the refusals for
 * someone outside the room.
 */
class AttachmentSystemTest {

    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    static final LaunchedStack STACK = new LaunchedStack();

    @Test
    void anAttachmentIsUploadedResumedPostedSeenLiveAndDownloadedByMembersOnly() throws Exception {
        ManagedChannel edge = STACK.edge();
        String alice = signUpAndLogIn(edge, "alice");
        String bob = signUpAndLogIn(edge, "bob");
        String carol = signUpAndLogIn(edge, "carol");
        Room room = as(RoomServiceGrpc.newBlockingStub(edge), alice).createRoom(CreateRoomRequest.newBuilder()
                .setKind(RoomKind.ROOM_KIND_PUBLIC).setName("files").build()).getRoom();
        as(RoomServiceGrpc.newBlockingStub(edge), bob).joinRoom(
                JoinRoomRequest.newBuilder().setRoomId(room.getId()).build());
        StreamRecorder<ServerEvent> bobsEvents = new StreamRecorder<>();
        StreamObserver<ClientEvent> bobsStream = ChatServiceGrpc.newStub(edge)
                .withCallCredentials(BearerCallCredentials.of(bob)).connect(bobsEvents);
        bobsStream.onNext(ClientEvent.newBuilder().setHello(Hello.newBuilder().setDeviceId("bob")).build());
        bobsEvents.awaitCount(ServerEvent::hasReady, 1);

        MessageServiceGrpc.MessageServiceBlockingStub aliceMessages = as(MessageServiceGrpc.newBlockingStub(edge), alice);
        byte[] content = bytes(MIB + MIB / 2);
        StartAttachmentUploadRequest start = StartAttachmentUploadRequest.newBuilder().setRoomId(room.getId())
                .setFileName("harbour.png").setContentType("image/png").setSizeBytes(content.length)
                .setWidth(800).setHeight(600).build();
        assertThat(code(() -> aliceMessages.startAttachmentUpload(start.toBuilder()
                .setSizeBytes(25L * MIB + 1).build()))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(code(() -> as(MessageServiceGrpc.newBlockingStub(edge), carol).startAttachmentUpload(start)))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        String id = aliceMessages.startAttachmentUpload(start).getUploadId();

        chunk(aliceMessages, id, content, 0, MIB);
        // the connection drops; the client asks where the upload stands and goes on from there
        assertThat(code(() -> chunk(aliceMessages, id, content, 0, MIB))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        long committed = aliceMessages.getAttachmentUpload(GetAttachmentUploadRequest.newBuilder()
                .setUploadId(id).build()).getCommittedSize();
        assertThat(committed).isEqualTo(MIB);
        chunk(aliceMessages, id, content, (int) committed, content.length);
        assertThat(code(() -> aliceMessages.finishAttachmentUpload(FinishAttachmentUploadRequest.newBuilder()
                .setUploadId(id).setSha256(sha256(bytes(5))).build()))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        Attachment attachment = aliceMessages.finishAttachmentUpload(FinishAttachmentUploadRequest.newBuilder()
                .setUploadId(id).setSha256(sha256(content)).build()).getAttachment();
        assertThat(attachment.getWidth()).isEqualTo(800);

        // bob cannot post alice's upload; alice's send posts it
        StatusRuntimeException notBobs = catchThrowableOfType(StatusRuntimeException.class, () -> send(edge, bob,
                SendMessageEvent.newBuilder().setRoomId(room.getId()).addAttachmentIds(id)));
        assertThat(notBobs.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(violatedFields(notBobs)).containsExactly("message.attachment_ids[0]");
        Message posted = send(edge, alice, SendMessageEvent.newBuilder().setRoomId(room.getId())
                .setText("the harbour").addAttachmentIds(id));
        assertThat(posted.getAttachmentsList()).containsExactly(attachment);
        assertThat(code(() -> send(edge, alice, SendMessageEvent.newBuilder().setRoomId(room.getId())
                .addAttachmentIds(id)))).isEqualTo(Status.Code.FAILED_PRECONDITION);

        ServerEvent live = bobsEvents.awaitCount(ServerEvent::hasMessageCreated, 1).getFirst();
        assertThat(live.getMessageCreated().getMessage().getAttachmentsList()).containsExactly(attachment);
        MessageServiceGrpc.MessageServiceBlockingStub bobMessages = as(MessageServiceGrpc.newBlockingStub(edge), bob);
        // at once, as a client does when the live message arrives: message-service may not
        // have stored it yet, and the download waits until it has
        assertThat(download(bobMessages, id)).isEqualTo(content);
        assertThat(bobMessages.listMessages(ListMessagesRequest.newBuilder().setRoomId(room.getId()).build())
                .getMessagesList()).flatExtracting(Message::getAttachmentsList).containsExactly(attachment);
        assertThat(downloadWithGrpcWeb(STACK.edgePort(), bob, id, attachment)).isEqualTo(content);
        assertThat(code(() -> download(as(MessageServiceGrpc.newBlockingStub(edge), carol), id)))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> download(bobMessages, Ids.newId()))).isEqualTo(Status.Code.NOT_FOUND);

        // the content lives under the data directory
        try (Stream<Path> files = Files.walk(STACK.dataDir().resolve("attachments"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())).contains(id);
        }

        // deleting the message deletes its file: nobody can download it, and the content is gone
        as(ChatServiceGrpc.newBlockingStub(edge), alice).deleteMessage(DeleteMessageRequest.newBuilder()
                .setDelete(DeleteMessageEvent.newBuilder().setRoomId(room.getId()).setMessageId(posted.getId()))
                .build());
        await().atMost(StreamRecorder.PATIENCE).untilAsserted(() ->
                assertThat(code(() -> download(bobMessages, id))).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(code(() -> download(aliceMessages, id))).isEqualTo(Status.Code.NOT_FOUND);
        try (Stream<Path> files = Files.walk(STACK.dataDir().resolve("attachments"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())).doesNotContain(id);
        }
        bobsStream.onCompleted();
    }

    private static void chunk(MessageServiceGrpc.MessageServiceBlockingStub messages, String id, byte[] content,
            int from, int to) {
        for (int offset = from; offset < to; offset += MIB) {
            messages.uploadAttachmentChunk(UploadAttachmentChunkRequest.newBuilder().setUploadId(id).setOffset(offset)
                    .setData(ByteString.copyFrom(content, offset, Math.min(MIB, to - offset))).build());
        }
    }

    private static byte[] download(MessageServiceGrpc.MessageServiceBlockingStub messages, String id) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        messages.downloadAttachment(DownloadAttachmentRequest.newBuilder().setAttachmentId(id).build())
                .forEachRemaining(part -> content.writeBytes(part.getChunk().toByteArray()));
        return content.toByteArray();
    }

    /** As a browser downloads: gRPC-Web over HTTP/1.1 through the edge, the metadata first. */
    private static byte[] downloadWithGrpcWeb(int edgePort, String token, String id, Attachment expected)
            throws InvalidProtocolBufferException {
        GrpcWebClient.Response response = new GrpcWebClient(edgePort).call(GrpcWebClient.BINARY,
                "/chatmesh.message.v1.MessageService/DownloadAttachment",
                DownloadAttachmentRequest.newBuilder().setAttachmentId(id).build().toByteArray(),
                "authorization", "Bearer " + token);
        assertThat(response.grpcStatus()).isZero();
        assertThat(DownloadAttachmentResponse.parseFrom(response.messages().getFirst()).getAttachment())
                .isEqualTo(expected);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] message : response.messages().subList(1, response.messages().size())) {
            content.writeBytes(DownloadAttachmentResponse.parseFrom(message).getChunk().toByteArray());
        }
        return content.toByteArray();
    }

    private static Message send(ManagedChannel edge, String token, SendMessageEvent.Builder message) {
        return as(ChatServiceGrpc.newBlockingStub(edge), token).sendMessage(SendMessageRequest.newBuilder()
                .setClientId(Ids.newId()).setMessage(message).build()).getMessage();
    }

    private static Status.Code code(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("the call should fail").isNotNull();
        return e.getStatus().getCode();
    }

    private static List<String> violatedFields(StatusRuntimeException e) throws InvalidProtocolBufferException {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertThat(status).isNotNull();
        for (com.google.protobuf.Any detail : status.getDetailsList()) {
            if (detail.is(BadRequest.class)) {
                return detail.unpack(BadRequest.class).getFieldViolationsList().stream()
                        .map(BadRequest.FieldViolation::getField).toList();
            }
        }
        return List.of();
    }

    private static byte[] bytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
