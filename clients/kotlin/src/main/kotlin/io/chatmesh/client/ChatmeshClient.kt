package io.chatmesh.client

import io.chatmesh.proto.chat.v1.ChatServiceGrpcKt.ChatServiceCoroutineStub
import io.chatmesh.proto.chat.v1.Hello
import io.chatmesh.proto.chat.v1.RoomCursor
import io.chatmesh.proto.room.v1.CreateRoomRequest
import io.chatmesh.proto.room.v1.JoinRoomRequest
import io.chatmesh.proto.room.v1.Room
import io.chatmesh.proto.room.v1.RoomKind
import io.chatmesh.proto.room.v1.RoomServiceGrpcKt.RoomServiceCoroutineStub
import io.chatmesh.proto.user.v1.LogInRequest
import io.chatmesh.proto.user.v1.LogInResponse
import io.chatmesh.proto.user.v1.RefreshTokenRequest
import io.chatmesh.proto.user.v1.SignUpRequest
import io.chatmesh.proto.user.v1.TokenPair
import io.chatmesh.proto.user.v1.User
import io.chatmesh.proto.user.v1.UserServiceGrpcKt.UserServiceCoroutineStub
import io.grpc.Channel
import io.grpc.Metadata
import io.grpc.kotlin.AbstractCoroutineStub
import java.util.concurrent.TimeUnit
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.withTimeout

/** A signed-in user: whose tokens these are, and the tokens LogIn or RefreshToken returned. */
data class Session(val userId: String, val tokens: TokenPair) {
    val accessToken: String get() = tokens.accessToken
}

/**
 * chatmesh over one gRPC [Channel] (an app keeps one per server; on Android, built with
 * grpc-okhttp). Unary calls carry `authorization: Bearer <access token>` and a deadline of
 * [callTimeout]; the chat stream has no deadline (it lives as long as its token, see
 * docs/chat.md) and is opened with [connect].
 */
class ChatmeshClient(channel: Channel, private val callTimeout: Duration = 10.seconds) {

    private val users = UserServiceCoroutineStub(channel)
    private val rooms = RoomServiceCoroutineStub(channel)
    private val chat = ChatServiceCoroutineStub(channel)

    /** Creates an account (no token needed); log in afterwards. */
    suspend fun signUp(username: String, password: String, displayName: String = username): User =
        users.withCallTimeout().signUp(
            SignUpRequest.newBuilder().setUsername(username).setPassword(password).setDisplayName(displayName).build(),
        ).user

    suspend fun logIn(username: String, password: String): Session {
        val response: LogInResponse = users.withCallTimeout()
            .logIn(LogInRequest.newBuilder().setUsername(username).setPassword(password).build())
        return Session(response.user.id, response.tokens)
    }

    /** A fresh token pair for the session (the old refresh token is spent). */
    suspend fun refresh(session: Session): Session {
        val response = users.withCallTimeout()
            .refreshToken(RefreshTokenRequest.newBuilder().setRefreshToken(session.tokens.refreshToken).build())
        return session.copy(tokens = response.tokens)
    }

    /** A room with the caller as its owner. */
    suspend fun createRoom(session: Session, name: String, kind: RoomKind = RoomKind.ROOM_KIND_PUBLIC): Room =
        rooms.withCallTimeout().createRoom(
            CreateRoomRequest.newBuilder().setKind(kind).setName(name).build(),
            authorization(session),
        ).room

    /** Joins a PUBLIC room; joining again changes nothing. */
    suspend fun joinRoom(session: Session, roomId: String): Room =
        rooms.withCallTimeout().joinRoom(JoinRoomRequest.newBuilder().setRoomId(roomId).build(), authorization(session)).room

    /**
     * Opens the chat stream, says Hello and returns once the server answered Ready. The stream
     * runs in [scope] until it ends or is closed. [resumeFrom] maps room ids to the newest seq the
     * client has (a previous stream's [ChatStream.cursors]): the server first replays every newer
     * message of those rooms, in order, then goes live, with no gap and no duplicate.
     */
    suspend fun connect(
        scope: CoroutineScope,
        session: Session,
        deviceId: String,
        resumeFrom: Map<String, Long> = emptyMap(),
        bufferCapacity: Int = ChatStream.DEFAULT_BUFFER_CAPACITY,
    ): ChatStream {
        val hello = Hello.newBuilder().setDeviceId(deviceId)
            .addAllResumeFrom(resumeFrom.map { (room, seq) -> RoomCursor.newBuilder().setRoomId(room).setSeq(seq).build() })
            .build()
        val stream = ChatStream.open(scope, chat, authorization(session), hello, bufferCapacity)
        try {
            withTimeout(callTimeout) { stream.awaitReady() }
        } catch (e: Throwable) {
            stream.close()
            throw e
        }
        return stream
    }

    private fun <S : AbstractCoroutineStub<S>> S.withCallTimeout(): S =
        withDeadlineAfter(callTimeout.inWholeMilliseconds, TimeUnit.MILLISECONDS)

    private fun authorization(session: Session): Metadata = Metadata().apply {
        put(AUTHORIZATION, "Bearer ${session.accessToken}")
    }

    private companion object {
        val AUTHORIZATION: Metadata.Key<String> = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)
    }
}
