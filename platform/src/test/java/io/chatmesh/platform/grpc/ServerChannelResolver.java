package io.chatmesh.platform.grpc;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Gives a test method that asks for a {@link ManagedChannel} a plaintext channel to its Spring
 * test's gRPC server on 127.0.0.1, and shuts the channel down when the test ends.
 */
final class ServerChannelResolver implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext test) {
        return parameter.getParameter().getType() == ManagedChannel.class;
    }

    @Override
    public ManagedChannel resolveParameter(ParameterContext parameter, ExtensionContext test) {
        int port = SpringExtension.getApplicationContext(test).getBean(GrpcServerLifecycle.class).getPort();
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port,
                InsecureChannelCredentials.create()).build();
        // the test's store closes what it holds when the test ends, failed or not; shutdownNow
        // cancels the calls still open, so a test that failed mid-call does not wait out their deadlines
        AutoCloseable shutDown = () -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        test.getStore(ExtensionContext.Namespace.create(ServerChannelResolver.class)).put(channel, shutDown);
        return channel;
    }
}
