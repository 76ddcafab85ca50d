package io.chatmesh.message.config;

import io.chatmesh.message.MessageServiceApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With {@code chatmesh.message.store=mongodb} message-service needs no SQL database: this adds
 * the DataSource and Flyway auto-configurations to {@value #EXCLUDE_PROPERTY} (keeping any
 * exclusions already configured), so the service starts without spring.datasource.url, and
 * without a DataSource there is no Jdbi bean either. Conditions cannot do this: both are Boot's
 * auto-configurations, and an application-level exclusion would also hold for the SQL store.
 *
 * <p>Registered in META-INF/spring.factories. The launcher runs every service on one classpath,
 * so it acts only for applications built from {@link MessageServiceApplication}, after the config
 * files are read (the store may be chosen in message-service.properties or the environment). An
 * unknown store, or the SQL store without a database URL, fails here, before anything starts.
 */
public class MessageStoreEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String EXCLUDE_PROPERTY = "spring.autoconfigure.exclude";
    static final String PROPERTY_SOURCE_NAME = "chatmeshMessageStore";
    static final String DATASOURCE_URL_PROPERTY = "spring.datasource.url";
    static final List<String> SQL_AUTO_CONFIGURATIONS = List.of(
            DataSourceAutoConfiguration.class.getName(), FlywayAutoConfiguration.class.getName());

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!application.getAllSources().contains(MessageServiceApplication.class)) {
            return;
        }
        if (MessageStoreKind.of(environment) == MessageStoreKind.SQL) {
            String url = environment.getProperty(DATASOURCE_URL_PROPERTY);
            if (url == null || url.isBlank()) {
                throw new IllegalStateException(DATASOURCE_URL_PROPERTY
                        + " (env CHATMESH_DATABASE_URL) is required when chatmesh.message.store=sql");
            }
            return;
        }
        List<String> exclusions = new ArrayList<>(Binder.get(environment)
                .bind(EXCLUDE_PROPERTY, Bindable.listOf(String.class)).orElse(List.of()));
        SQL_AUTO_CONFIGURATIONS.stream().filter(name -> !exclusions.contains(name)).forEach(exclusions::add);
        environment.getPropertySources().addFirst(
                new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(EXCLUDE_PROPERTY, String.join(",", exclusions))));
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }
}
