package io.chatmesh.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;
import org.springframework.grpc.server.service.GrpcService;

/**
 * Boots a tiny Spring gRPC app with the platform auto-configuration on a random port and talks to
 * it over a real TCP socket on 127.0.0.1.
 */
@ExtendWith(ServerChannelResolver.class)
@SpringBootTest(classes = GrpcServerDefaultsTest.TestApp.class,
		webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = "spring.grpc.server.port=0")
class GrpcServerDefaultsTest {

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApp {

		/**
		 * Any generated service will do; every method answers UNIMPLEMENTED. A {@code @GrpcService}
		 * member class of a configuration class is registered as a bean by itself.
		 */
		@GrpcService
		static class UserServiceStub extends UserServiceGrpc.UserServiceImplBase {

		}

		@Bean
		StartedEvents startedEvents() {
			return new StartedEvents();
		}

	}

	/** Captures the event Spring gRPC publishes once the server is bound. */
	static class StartedEvents {

		final CompletableFuture<GrpcServerStartedEvent> started = new CompletableFuture<>();

		@EventListener
		void on(GrpcServerStartedEvent event) {
			this.started.complete(event);
		}

	}

	@Autowired
	GrpcServerLifecycle lifecycle;

	@Autowired
	StartedEvents startedEvents;

	@LocalGrpcPort
	int localGrpcPort;

	@Test
	void listensOnLoopbackAtTheRandomPort() throws Exception {
		GrpcServerStartedEvent event = this.startedEvents.started.get(5, TimeUnit.SECONDS);
		int port = this.lifecycle.getPort();
		assertThat(port).isPositive().isNotEqualTo(9090);
		assertThat(event.getPort()).isEqualTo(port);
		assertThat(this.localGrpcPort).isEqualTo(port);

		List<? extends SocketAddress> sockets = event.getServer().getListenSockets();
		assertThat(sockets).isNotEmpty().allSatisfy((socket) -> {
			assertThat(socket).isInstanceOf(InetSocketAddress.class);
			InetSocketAddress inet = (InetSocketAddress) socket;
			assertThat(inet.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
			assertThat(inet.getPort()).isEqualTo(port);
		});
	}

	@Test
	void healthAnswersServing(ManagedChannel channel) {
		HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel)
			.withDeadlineAfter(5, TimeUnit.SECONDS);
		assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
			.isEqualTo(ServingStatus.SERVING);
	}

	@Test
	void everyServiceCallNeedsAValidToken(ManagedChannel channel) {
		UserServiceGrpc.UserServiceBlockingStub users = UserServiceGrpc.newBlockingStub(channel)
			.withDeadlineAfter(5, TimeUnit.SECONDS);
		assertThatThrownBy(() -> users.getMe(GetMeRequest.getDefaultInstance()))
			.isInstanceOfSatisfying(StatusRuntimeException.class,
					(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
		assertThatThrownBy(() -> users.withCallCredentials(BearerCallCredentials.of("not-a-jwt"))
			.getMe(GetMeRequest.getDefaultInstance()))
			.isInstanceOfSatisfying(StatusRuntimeException.class,
					(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
	}

	@Test
	void reflectionV1ListsServicesAndResolvesDescriptors(ManagedChannel channel) throws Exception {
		io.grpc.reflection.v1.ServerReflectionGrpc.ServerReflectionStub stub = io.grpc.reflection.v1.ServerReflectionGrpc
			.newStub(channel)
			.withDeadlineAfter(5, TimeUnit.SECONDS);

		io.grpc.reflection.v1.ServerReflectionResponse list = call(stub::serverReflectionInfo,
				io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
		assertThat(list.getListServicesResponse().getServiceList()).extracting("name")
			.contains(UserServiceGrpc.SERVICE_NAME, "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
					"grpc.reflection.v1alpha.ServerReflection");

		io.grpc.reflection.v1.ServerReflectionResponse file = call(stub::serverReflectionInfo,
				io.grpc.reflection.v1.ServerReflectionRequest.newBuilder()
					.setFileContainingSymbol(UserServiceGrpc.SERVICE_NAME)
					.build());
		assertThat(file.hasErrorResponse()).as("%s", file.getErrorResponse()).isFalse();
		assertThat(file.getFileDescriptorResponse().getFileDescriptorProtoCount()).isPositive();
	}

	@Test
	void reflectionV1AlphaListsServices(ManagedChannel channel) throws Exception {
		io.grpc.reflection.v1alpha.ServerReflectionGrpc.ServerReflectionStub stub = io.grpc.reflection.v1alpha.ServerReflectionGrpc
			.newStub(channel)
			.withDeadlineAfter(5, TimeUnit.SECONDS);

		io.grpc.reflection.v1alpha.ServerReflectionResponse list = call(stub::serverReflectionInfo,
				io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
		assertThat(list.getListServicesResponse().getServiceList()).extracting("name")
			.contains(UserServiceGrpc.SERVICE_NAME, "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
					"grpc.reflection.v1alpha.ServerReflection");
	}

	/** One request on a bidirectional reflection stream, first response back. */
	private static <Q, R> R call(java.util.function.Function<StreamObserver<R>, StreamObserver<Q>> open, Q request)
			throws Exception {
		CompletableFuture<R> first = new CompletableFuture<>();
		StreamObserver<Q> requests = open.apply(new StreamObserver<>() {
			@Override
			public void onNext(R value) {
				first.complete(value);
			}

			@Override
			public void onError(Throwable t) {
				first.completeExceptionally(t);
			}

			@Override
			public void onCompleted() {
				first.completeExceptionally(new IllegalStateException("stream completed without a response"));
			}
		});
		requests.onNext(request);
		try {
			return first.get(5, TimeUnit.SECONDS);
		}
		finally {
			requests.onCompleted();
		}
	}

}
