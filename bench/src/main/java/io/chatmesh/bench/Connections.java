package io.chatmesh.bench;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bench's HTTP/2 connections: one for setup calls (and one more for UserService when it is
 * served elsewhere), and {@code count} for the chat streams
 * and sends, spread round-robin over the chat addresses. Chat callbacks run directly on the
 * transport threads (directExecutor): they only count and record, and skipping the hand-off
 * to an executor is most of what keeps the receiving side cheap.
 */
final class Connections implements AutoCloseable {

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel setup;
    private final ManagedChannel users;
    private final List<ManagedChannel> chat = new ArrayList<>();

    Connections(HostPort target, HostPort usersAddress, List<HostPort> chatAddresses, int count) {
        this.setup = NettyChannelBuilder.forAddress(target.host(), target.port()).usePlaintext().build();
        this.users = usersAddress.equals(target) ? setup
                : NettyChannelBuilder.forAddress(usersAddress.host(), usersAddress.port()).usePlaintext().build();
        for (int i = 0; i < count; i++) {
            HostPort address = chatAddresses.get(i % chatAddresses.size());
            chat.add(NettyChannelBuilder.forAddress(address.host(), address.port())
                    .usePlaintext().directExecutor().build());
        }
    }

    /** RoomService calls of the setup. */
    ManagedChannel setup() {
        return setup;
    }

    /** UserService calls of the setup. */
    ManagedChannel users() {
        return users;
    }

    /** The connection of the stream with this number. */
    ManagedChannel chat(int stream) {
        return chat.get(stream % chat.size());
    }

    /** The stub, calling as the user whose access token this is. */
    static <S extends AbstractStub<S>> S as(S stub, String accessToken) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + accessToken);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Override
    public void close() {
        setup.shutdownNow();
        users.shutdownNow();
        chat.forEach(ManagedChannel::shutdownNow);
        try {
            setup.awaitTermination(5, TimeUnit.SECONDS);
            users.awaitTermination(5, TimeUnit.SECONDS);
            for (ManagedChannel channel : chat) {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
