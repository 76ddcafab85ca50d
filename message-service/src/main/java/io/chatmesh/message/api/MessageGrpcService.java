package io.chatmesh.message.api;

import io.chatmesh.message.bus.RoomEventPublisher;
import io.chatmesh.message.domain.Attachments;
import io.chatmesh.message.domain.Message;
import io.chatmesh.message.domain.MessageHistory;
import io.chatmesh.message.domain.MessageSearch;
import io.chatmesh.message.domain.PageDirection;
import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.client.MembershipClient;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.platform.logging.LogThrottle;
import io.chatmesh.proto.message.v1.Direction;
import io.chatmesh.proto.message.v1.DownloadAttachmentRequest;
import io.chatmesh.proto.message.v1.DownloadAttachmentResponse;
import io.chatmesh.proto.message.v1.FinishAttachmentUploadRequest;
import io.chatmesh.proto.message.v1.FinishAttachmentUploadResponse;
import io.chatmesh.proto.message.v1.GetAttachmentUploadRequest;
import io.chatmesh.proto.message.v1.GetAttachmentUploadResponse;
import io.chatmesh.proto.message.v1.GetMessageRequest;
import io.chatmesh.proto.message.v1.GetMessageResponse;
import io.chatmesh.proto.message.v1.GetUnreadCountsRequest;
import io.chatmesh.proto.message.v1.GetUnreadCountsResponse;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.ListMessagesResponse;
import io.chatmesh.proto.message.v1.ListThreadRequest;
import io.chatmesh.proto.message.v1.ListThreadResponse;
import io.chatmesh.proto.message.v1.MarkReadRequest;
import io.chatmesh.proto.message.v1.MarkReadResponse;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.message.v1.SearchMessagesRequest;
import io.chatmesh.proto.message.v1.SearchMessagesResponse;
import io.chatmesh.proto.message.v1.StartAttachmentUploadRequest;
import io.chatmesh.proto.message.v1.StartAttachmentUploadResponse;
import io.chatmesh.proto.message.v1.UploadAttachmentChunkRequest;
import io.chatmesh.proto.message.v1.UploadAttachmentChunkResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MessageService: history, threads, search, single messages, unread counts and read markers,
 * each limited to rooms the caller belongs to (the internal MembershipService.CheckMembership
 * through {@link MembershipClient}); uploads and downloads of attachments through {@link AttachmentRpcs}
 * and {@link AttachmentDownload}.
 */
public class MessageGrpcService extends MessageServiceGrpc.MessageServiceImplBase {

    /** GetUnreadCounts' limit on explicitly named rooms (proto: at most 200). */
    static final int MAX_UNREAD_ROOMS = 200;

    private static final Logger log = LoggerFactory.getLogger(MessageGrpcService.class);
    /** While the bus is down, every MarkRead fails to publish its receipt. */
    private static final LogThrottle UNPUBLISHED_LOG = new LogThrottle(Duration.ofSeconds(10));

    private final MessageHistory history;
    private final MembershipClient membership;
    private final RoomDirectory roomDirectory;
    private final RoomEventPublisher events;
    private final Duration publishTimeout;
    private final AttachmentRpcs attachmentRpcs;

    public MessageGrpcService(MessageHistory history, MembershipClient membership, RoomDirectory roomDirectory,
            RoomEventPublisher events, Duration publishTimeout, Attachments attachments) {
        this.history = history;
        this.membership = membership;
        this.roomDirectory = roomDirectory;
        this.events = events;
        this.publishTimeout = publishTimeout;
        this.attachmentRpcs = new AttachmentRpcs(attachments, membership);
    }

    @Override
    public void listMessages(ListMessagesRequest request, StreamObserver<ListMessagesResponse> responseObserver) {
        Principal caller = AuthContext.current();
        Validation validation = new Validation()
                .id("room_id", request.getRoomId())
                .range("from_seq", request.getFromSeq(), 0, Long.MAX_VALUE)
                .range("page_size", request.getPageSize(), 0, MessageHistory.MAX_PAGE_SIZE)
                .require(request.getDirection() != Direction.UNRECOGNIZED, "direction", "is not a known direction");
        Optional<PageToken> token = Optional.empty();
        if (!request.getPageToken().isEmpty()) {
            token = PageToken.decode(request.getPageToken());
            validation.require(token.isPresent(), "page_token", "is not a page token of ListMessages");
            validation.require(token.isEmpty() || request.getDirection() == Direction.DIRECTION_UNSPECIFIED
                            || directionOf(request.getDirection()) == token.get().direction(),
                    "page_token", "continues the other direction");
        }
        validation.check();
        membership.requireMember(caller, request.getRoomId());

        PageDirection direction = token.map(PageToken::direction).orElseGet(() -> directionOf(request.getDirection()));
        long fromSeq = token.map(PageToken::cursor).orElse(request.getFromSeq());
        int pageSize = request.getPageSize() == 0 ? MessageHistory.DEFAULT_PAGE_SIZE : request.getPageSize();
        MessageHistory.Page page = history.page(request.getRoomId(), direction, fromSeq, pageSize,
                request.getIncludeThreadReplies());

        ListMessagesResponse.Builder response = ListMessagesResponse.newBuilder();
        page.messages().forEach(m -> response.addMessages(MessageProtos.toProto(m, caller.userId())));
        page.nextCursor().ifPresent(cursor -> response.setNextPageToken(new PageToken(direction, cursor).encode()));
        responseObserver.onNext(response.build());
        responseObserver.onCompleted();
    }

    @Override
    public void getMessage(GetMessageRequest request, StreamObserver<GetMessageResponse> responseObserver) {
        Principal caller = AuthContext.current();
        new Validation().id("message_id", request.getMessageId()).check();
        var message = history.get(request.getMessageId())
                .orElseThrow(() -> ChatmeshException.notFound("message " + request.getMessageId()));
        membership.requireMember(caller, message.roomId());
        responseObserver.onNext(GetMessageResponse.newBuilder().setMessage(MessageProtos.toProto(message, caller.userId())).build());
        responseObserver.onCompleted();
    }

    /**
     * The root is looked up first, so its room decides who may see the thread: a root in a
     * room hidden from the caller answers like an unknown one (NOT_FOUND).
     */
    @Override
    public void listThread(ListThreadRequest request, StreamObserver<ListThreadResponse> responseObserver) {
        Principal caller = AuthContext.current();
        Validation validation = new Validation()
                .id("thread_root_id", request.getThreadRootId())
                .range("page_size", request.getPageSize(), 0, MessageHistory.MAX_PAGE_SIZE);
        Optional<PageToken> token = Optional.empty();
        if (!request.getPageToken().isEmpty()) {
            token = PageToken.decode(request.getPageToken()).filter(t -> t.direction() == PageDirection.FORWARD);
            validation.require(token.isPresent(), "page_token", "is not a page token of ListThread");
        }
        validation.check();
        Message root = history.get(request.getThreadRootId())
                .orElseThrow(() -> ChatmeshException.notFound("message " + request.getThreadRootId()));
        membership.requireMember(caller, root.roomId());

        int pageSize = request.getPageSize() == 0 ? MessageHistory.DEFAULT_PAGE_SIZE : request.getPageSize();
        MessageHistory.Page page = history.thread(root, token.map(PageToken::cursor).orElse(0L), pageSize);
        ListThreadResponse.Builder response = ListThreadResponse.newBuilder()
                .setRoot(MessageProtos.toProto(root, caller.userId()));
        page.messages().forEach(m -> response.addReplies(MessageProtos.toProto(m, caller.userId())));
        page.nextCursor().ifPresent(cursor ->
                response.setNextPageToken(new PageToken(PageDirection.FORWARD, cursor).encode()));
        responseObserver.onNext(response.build());
        responseObserver.onCompleted();
    }

    /**
     * One named room must be the caller's (NOT_FOUND / PERMISSION_DENIED as for ListMessages);
     * without one, the search covers the caller's rooms from RoomService.ListMyRooms, so a room
     * the caller is not in is never searched.
     */
    @Override
    public void searchMessages(SearchMessagesRequest request, StreamObserver<SearchMessagesResponse> responseObserver) {
        Principal caller = AuthContext.current();
        Validation validation = new Validation()
                .length("query", request.getQuery(), 1, MessageHistory.MAX_QUERY_LENGTH)
                .require(request.getQuery().isEmpty() || !request.getQuery().isBlank(), "query",
                        "must not be only whitespace")
                .optionalId("room_id", request.getRoomId())
                .range("page_size", request.getPageSize(), 0, MessageHistory.MAX_SEARCH_PAGE_SIZE);
        Optional<MessageSearch.SearchCursor> after = Optional.empty();
        if (!request.getPageToken().isEmpty()) {
            after = SearchPageToken.decode(request.getPageToken());
            validation.require(after.isPresent(), "page_token", "is not a page token of SearchMessages");
        }
        validation.check();
        List<String> roomIds;
        if (request.getRoomId().isEmpty()) {
            roomIds = roomDirectory.myRoomIds(caller);
        } else {
            membership.requireMember(caller, request.getRoomId());
            roomIds = List.of(request.getRoomId());
        }

        int pageSize = request.getPageSize() == 0 ? MessageHistory.DEFAULT_SEARCH_PAGE_SIZE : request.getPageSize();
        MessageHistory.SearchPage page = history.search(
                new MessageSearch(request.getQuery(), roomIds, after.orElse(null)), pageSize);
        SearchMessagesResponse.Builder response = SearchMessagesResponse.newBuilder();
        page.messages().forEach(m -> response.addMessages(MessageProtos.toProto(m, caller.userId())));
        page.next().ifPresent(cursor -> response.setNextPageToken(SearchPageToken.encode(cursor)));
        responseObserver.onNext(response.build());
        responseObserver.onCompleted();
    }

    /**
     * Named rooms must all be the caller's: one that is not fails the call with
     * PERMISSION_DENIED (as every other RPC here does) rather than being left out silently.
     * No rooms named means every room of the caller, from RoomService.ListMyRooms.
     */
    @Override
    public void getUnreadCounts(GetUnreadCountsRequest request, StreamObserver<GetUnreadCountsResponse> responseObserver) {
        Principal caller = AuthContext.current();
        new Validation().ids("room_ids", request.getRoomIdsList(), 0, MAX_UNREAD_ROOMS).check();
        List<String> roomIds;
        if (request.getRoomIdsCount() == 0) {
            roomIds = roomDirectory.myRoomIds(caller);
        } else {
            roomIds = request.getRoomIdsList().stream().distinct().toList();
            roomIds.forEach(roomId -> membership.requireMember(caller, roomId));
        }
        GetUnreadCountsResponse.Builder response = GetUnreadCountsResponse.newBuilder();
        history.unread(caller.userId(), roomIds).forEach(room -> response.addRooms(MessageProtos.toProto(room)));
        responseObserver.onNext(response.build());
        responseObserver.onCompleted();
    }

    /**
     * The one writer of read markers (the chat stream's mark_read comes here too). Moves the
     * marker forward only, and never past the room's newest stored message. When the marker
     * now stands where the call asked (it moved, or this retries a call that moved it) a
     * ReceiptUpdated goes out on the bus so live sessions show the receipt; a request behind
     * the marker changes nothing and publishes nothing. UNAVAILABLE when the bus does not take
     * the receipt: the marker has moved, and a retry publishes the receipt again.
     */
    @Override
    public void markRead(MarkReadRequest request, StreamObserver<MarkReadResponse> responseObserver) {
        Principal caller = AuthContext.current();
        new Validation()
                .id("room_id", request.getRoomId())
                .range("seq", request.getSeq(), 0, Long.MAX_VALUE)
                .check();
        membership.requireMember(caller, request.getRoomId());
        MessageHistory.MarkedRead marked = history.markRead(request.getRoomId(), caller.userId(), request.getSeq());
        if (marked.atRequestedSeq()) {
            publishReceipt(request.getRoomId(), caller.userId(), marked.room().lastReadSeq());
        }
        responseObserver.onNext(MarkReadResponse.newBuilder().setRoom(MessageProtos.toProto(marked.room())).build());
        responseObserver.onCompleted();
    }

    @Override
    public void startAttachmentUpload(StartAttachmentUploadRequest request,
            StreamObserver<StartAttachmentUploadResponse> responseObserver) {
        responseObserver.onNext(attachmentRpcs.start(AuthContext.current(), request));
        responseObserver.onCompleted();
    }

    @Override
    public void uploadAttachmentChunk(UploadAttachmentChunkRequest request,
            StreamObserver<UploadAttachmentChunkResponse> responseObserver) {
        responseObserver.onNext(attachmentRpcs.upload(AuthContext.current(), request));
        responseObserver.onCompleted();
    }

    @Override
    public void getAttachmentUpload(GetAttachmentUploadRequest request,
            StreamObserver<GetAttachmentUploadResponse> responseObserver) {
        responseObserver.onNext(attachmentRpcs.status(AuthContext.current(), request));
        responseObserver.onCompleted();
    }

    @Override
    public void finishAttachmentUpload(FinishAttachmentUploadRequest request,
            StreamObserver<FinishAttachmentUploadResponse> responseObserver) {
        responseObserver.onNext(attachmentRpcs.finish(AuthContext.current(), request));
        responseObserver.onCompleted();
    }

    @Override
    public void downloadAttachment(DownloadAttachmentRequest request,
            StreamObserver<DownloadAttachmentResponse> responseObserver) {
        attachmentRpcs.download(AuthContext.current(), request,
                (ServerCallStreamObserver<DownloadAttachmentResponse>) responseObserver);
    }

    private void publishReceipt(String roomId, String userId, long lastReadSeq) {
        try {
            events.receiptUpdated(roomId, userId, lastReadSeq).get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ChatmeshException.unavailable("interrupted while publishing the receipt");
        } catch (ExecutionException | TimeoutException e) {
            UNPUBLISHED_LOG.warn(log, "receipt for room {} not published: {}", roomId, e.toString());
            throw ChatmeshException.unavailable("event bus did not take the receipt");
        }
    }

    private static PageDirection directionOf(Direction direction) {
        return direction == Direction.DIRECTION_FORWARD ? PageDirection.FORWARD : PageDirection.BACKWARD;
    }
}
