package io.chatmesh.platform.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

/**
 * Adds {@value #RESOURCE} as the <em>last</em> (lowest-precedence) property source, so the chatmesh
 * gRPC defaults — above all {@code spring.grpc.server.host=127.0.0.1} instead of Spring gRPC's
 * {@code *} — apply unless the application, the environment or the command line says otherwise.
 * Registered in {@code META-INF/spring.factories}.
 */
public class GrpcServerDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Classpath resource holding the defaults. */
	public static final String RESOURCE = "chatmesh-grpc-defaults.properties";

	/** Name of the property source that is added. */
	public static final String PROPERTY_SOURCE_NAME = "chatmeshGrpcDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			return;
		}
		try {
			environment.getPropertySources()
				.addLast(new ResourcePropertySource(PROPERTY_SOURCE_NAME, new ClassPathResource(RESOURCE,
						GrpcServerDefaultsEnvironmentPostProcessor.class.getClassLoader())));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + RESOURCE, ex);
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
