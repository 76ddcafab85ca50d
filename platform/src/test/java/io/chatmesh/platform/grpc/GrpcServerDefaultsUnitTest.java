package io.chatmesh.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerReflectionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class GrpcServerDefaultsUnitTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GrpcServerReflectionAutoConfiguration.class,
				GrpcServerDefaultsAutoConfiguration.class))
		.withBean(BindableService.class, () -> new HealthGrpc.HealthImplBase() {
		});

	@Test
	void registersV1AlphaReflectionNextToV1() {
		this.runner.run((context) -> assertThat(context)
			.hasBean(GrpcServerDefaultsAutoConfiguration.REFLECTION_V1ALPHA_BEAN_NAME)
			.hasBean("serverReflection"));
	}

	@Test
	void reflectionSwitchTurnsBothOff() {
		this.runner.withPropertyValues("spring.grpc.server.reflection.enabled=false")
			.run((context) -> assertThat(context)
				.doesNotHaveBean(GrpcServerDefaultsAutoConfiguration.REFLECTION_V1ALPHA_BEAN_NAME)
				.doesNotHaveBean("serverReflection"));
	}

	@Test
	void defaultsBindLoopbackButLoseToAnyOtherSource() {
		GrpcServerDefaultsEnvironmentPostProcessor postProcessor = new GrpcServerDefaultsEnvironmentPostProcessor();

		StandardEnvironment plain = new StandardEnvironment();
		postProcessor.postProcessEnvironment(plain, new SpringApplication());
		assertThat(plain.getProperty("spring.grpc.server.host")).isEqualTo("127.0.0.1");
		assertThat(plain.getPropertySources().stream().reduce((a, b) -> b).orElseThrow().getName())
			.isEqualTo(GrpcServerDefaultsEnvironmentPostProcessor.PROPERTY_SOURCE_NAME);

		StandardEnvironment overridden = new StandardEnvironment();
		overridden.getPropertySources()
			.addFirst(new MapPropertySource("app", Map.of("spring.grpc.server.host", "0.0.0.0")));
		postProcessor.postProcessEnvironment(overridden, new SpringApplication());
		assertThat(overridden.getProperty("spring.grpc.server.host")).isEqualTo("0.0.0.0");
	}

}
