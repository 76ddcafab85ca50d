package io.chatmesh.chat.api;

import io.chatmesh.chat.bus.ChangeProtos;
import io.chatmesh.chat.bus.MessageProtos;
import io.chatmesh.chat.bus.RoomEventFanout;
import io.chatmesh.chat.bus.ServerFrame;
import io.chatmesh.chat.domain.ChangeLog;
import io.chatmesh.chat.domain.DevicePresence;
import io.chatmesh.chat.domain.Message;
import io.chatmesh.chat.domain.MessageChange;
import io.chatmesh.chat.domain.MessageEditing;
import io.chatmesh.chat.domain.Messaging;
import io.chatmesh.chat.domain.NewMessage;
import io.chatmesh.chat.domain.Rooms;
import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.EndedSessions;
import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.grpc.EventLoopCalls;
import io.chatmesh.platform.grpc.GrpcErrors;
import io.chatmesh.platform.stream.OutboundQueue;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.DeleteMessageEvent;
import io.chatmesh.proto.chat.v1.DeleteMessageRequest;
import io.chatmesh.proto.chat.v1.DeleteMessageResponse;
import io.chatmesh.proto.chat.v1.EditMessageEvent;
import io.chatmesh.proto.chat.v1.EditMessageRequest;
import io.chatmesh.proto.chat.v1.EditMessageResponse;
import io.chatmesh.proto.chat.v1.ReactEvent;
import io.chatmesh.proto.chat.v1.ReactToMessageRequest;
import io.chatmesh.proto.chat.v1.ReactToMessageResponse;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.SendMessageResponse;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.springframework.grpc.server.service.GrpcService;

/**
 * chatmesh.chat.v1.ChatService: the live stream ({@link ChatStream}) and SendMessage, which
 * posts through the same {@link Messaging#send} as the stream. EditMessage, DeleteMessage and
 * ReactToMessage go through {@link MessageEditing}, as the stream's edit, delete and react.
 */
@GrpcService
public class ChatGrpcService implements ChatServiceGrpc.AsyncService, BindableService {

    private final ChatStream.Dependencies deps;

    public ChatGrpcService(Messaging messaging, MessageEditing editing, ChangeLog changeLog, Rooms rooms,
            RoomEventFanout fanout, MessageHistoryClient history, AccessTokenVerifier verifier,
            EndedSessions endedSessions, StreamSettings settings, Clock clock, DevicePresence devices,
            EventLoopCalls eventLoopCalls) {
        // the streams' events that may block run there, off the connections' event loops
        this.deps = new ChatStream.Dependencies(messaging, editing, changeLog, rooms, fanout, history, verifier,
                endedSessions, settings, clock, devices, eventLoopCalls.blockingWork(),
                new SessionStarts(settings.sessionStartsMax()));
    }

    /** Connect, bound by {@link ConnectBinding}: its outbound messages are encoded ServerEvents. */
    StreamObserver<ClientEvent> connectFrames(StreamObserver<ServerFrame> responseObserver) {
        ServerCallStreamObserver<ServerFrame> call = (ServerCallStreamObserver<ServerFrame>) responseObserver;
        OutboundQueue<ServerFrame> queue = new OutboundQueue<>(call, deps.settings().queueCapacity());
        // the stream asks for each next client event itself, so a refused flood slows its reading
        call.disableAutoRequest();
        ChatStream stream = new ChatStream(deps, queue, AuthContext.currentOrNull(), call::request);
        call.setOnCancelHandler(stream::cancelled);
        call.setOnCloseHandler(stream::cancelled);
        return stream;
    }

    /** Answers once the message is stored and published (or its send failed). */
    @Override
    public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> response) {
        Principal caller = AuthContext.current();
        NewMessage message = Requests.newMessage("message", "client_id", request.getClientId(), request.getMessage());
        post(deps, caller, message, request.getMessage().getAttachmentIdsList()).whenComplete((posted, failure) -> {
            if (failure != null) {
                response.onError(GrpcErrors.toStatusException(Requests.sendFailure("message", failure)));
                return;
            }
            response.onNext(SendMessageResponse.newBuilder().setMessage(MessageProtos.toProto(posted)).build());
            response.onCompleted();
        });
    }

    /** Answers with the message as it now is once the edit is logged and published. */
    @Override
    public void editMessage(EditMessageRequest request, StreamObserver<EditMessageResponse> response) {
        Principal caller = AuthContext.current();
        EditMessageEvent edit = request.getEdit();
        ChangeRequests.checkEdit("edit", edit);
        answer(deps.editing().edit(caller.userId(), edit.getRoomId(), edit.getMessageId(), edit.getText()), "edit",
                response, change -> EditMessageResponse.newBuilder()
                        .setMessage(ChangeProtos.edited((MessageChange.Edited) change).getMessage()).build());
    }

    /** Answers once the deletion is logged and published. */
    @Override
    public void deleteMessage(DeleteMessageRequest request, StreamObserver<DeleteMessageResponse> response) {
        Principal caller = AuthContext.current();
        DeleteMessageEvent delete = request.getDelete();
        ChangeRequests.checkDelete("delete", delete);
        answer(deps.editing().delete(caller.userId(), delete.getRoomId(), delete.getMessageId()), "delete", response,
                change -> DeleteMessageResponse.getDefaultInstance());
    }

    /** Answers once the reaction change is logged and published. */
    @Override
    public void reactToMessage(ReactToMessageRequest request, StreamObserver<ReactToMessageResponse> response) {
        Principal caller = AuthContext.current();
        ReactEvent react = request.getReact();
        ChangeRequests.checkReact("react", react);
        answer(deps.editing().react(caller.userId(), react.getRoomId(), react.getMessageId(), react.getEmoji(),
                react.getRemove()), "react", response, change -> ReactToMessageResponse.getDefaultInstance());
    }

    private static <T> void answer(CompletableFuture<MessageChange> changed, String prefix, StreamObserver<T> response,
            Function<MessageChange, T> toResponse) {
        changed.whenComplete((change, failure) -> {
            if (failure != null) {
                response.onError(GrpcErrors.toStatusException(Requests.sendFailure(prefix, failure)));
                return;
            }
            response.onNext(toResponse.apply(change));
            response.onCompleted();
        });
    }

    /**
     * Posts a message, first claiming its attachments from message-service when it names any.
     * Without attachments the send goes straight to {@link Messaging#send}, so its synchronous
     * refusals (rate limit, overload) are thrown here as they are, and the stream pauses reading
     * on them; with attachments every refusal arrives through the future.
     */
    static CompletableFuture<Message> post(ChatStream.Dependencies deps, Principal sender, NewMessage message,
            List<String> attachmentIds) {
        if (attachmentIds.isEmpty()) {
            return deps.messaging().send(sender.userId(), message);
        }
        return deps.history().withClaimedAttachments(sender, message, attachmentIds)
                .thenCompose(claimed -> deps.messaging().send(sender.userId(), claimed));
    }

    /**
     * Bound by hand (not extending the generated ImplBase, whose bindService is final) so that
     * Connect writes encoded frames and tolerates unparseable ones (see {@link ConnectBinding}).
     */
    @Override
    public ServerServiceDefinition bindService() {
        return ConnectBinding.apply(ChatServiceGrpc.bindService(this), this::connectFrames);
    }
}
