package io.chatmesh.platform.grpc;

import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionService;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.grpc.server.autoconfigure.ConditionalOnGrpcServerEnabled;
import org.springframework.boot.grpc.server.autoconfigure.ConditionalOnSpringGrpc;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerReflectionAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * chatmesh defaults on top of Spring gRPC's server auto-configuration.
 *
 * <ul>
 * <li>Registers server reflection {@code grpc.reflection.v1alpha.ServerReflection} next to the
 * {@code grpc.reflection.v1} service that {@link GrpcServerReflectionAutoConfiguration} registers,
 * so that older grpcurl releases (which only speak v1alpha) work too. Same switch as v1:
 * {@code spring.grpc.server.reflection.enabled} (default {@code true}).</li>
 * <li>Loopback binding by default: {@link GrpcServerDefaultsEnvironmentPostProcessor} adds
 * {@code chatmesh-grpc-defaults.properties} (e.g. {@code spring.grpc.server.host=127.0.0.1}) as
 * the lowest-precedence property source, so any {@code application.properties}, environment
 * variable ({@code SPRING_GRPC_SERVER_HOST=0.0.0.0}) or command-line argument overrides it.</li>
 * </ul>
 *
 * Runs before {@link GrpcServerFactoryAutoConfiguration}, which collects every
 * {@link BindableService} bean when it builds the server.
 */
@AutoConfiguration(before = GrpcServerFactoryAutoConfiguration.class,
		after = GrpcServerReflectionAutoConfiguration.class)
@ConditionalOnSpringGrpc
@ConditionalOnClass(ProtoReflectionService.class)
@ConditionalOnGrpcServerEnabled("reflection")
@ConditionalOnBean(BindableService.class)
public final class GrpcServerDefaultsAutoConfiguration {

	/** Bean name of the v1alpha reflection service. */
	public static final String REFLECTION_V1ALPHA_BEAN_NAME = "chatmeshServerReflectionV1Alpha";

	@Bean(REFLECTION_V1ALPHA_BEAN_NAME)
	@ConditionalOnMissingBean(name = REFLECTION_V1ALPHA_BEAN_NAME)
	@SuppressWarnings("deprecation") // v1alpha is deprecated upstream but still what old grpcurl asks for
	BindableService chatmeshServerReflectionV1Alpha() {
		return ProtoReflectionService.newInstance();
	}

}
