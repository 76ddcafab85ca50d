package io.chatmesh.platform;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Stops startup, naming every missing variable, when a setting from a config file is a
 * {@code ${NAME}} placeholder without a default that nothing resolves (the production
 * profile's files declare required settings that way). Without this, Spring would bind the
 * literal "${NAME}" and fail later with a message about the value instead of the name.
 * Only the effective value of a setting counts: one overridden elsewhere is not required.
 */
public class RequiredSettingsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    private static final Pattern REQUIRED_PLACEHOLDER = Pattern.compile("\\$\\{([^:}]+)}");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, String> missing = new LinkedHashMap<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (!(source instanceof OriginTrackedMapPropertySource configFile)) {
                continue;
            }
            for (String setting : configFile.getPropertyNames()) {
                if (effectiveSource(environment, setting) != configFile
                        || !(configFile.getProperty(setting) instanceof String value)) {
                    continue;
                }
                Matcher placeholder = REQUIRED_PLACEHOLDER.matcher(value);
                while (placeholder.find()) {
                    String name = placeholder.group(1);
                    if (!environment.containsProperty(name)) {
                        missing.putIfAbsent(name, setting);
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            StringBuilder message = new StringBuilder("Missing required settings; set these environment variables:");
            missing.forEach((name, setting) -> message.append("\n  ").append(name).append(" (for ").append(setting).append(')'));
            throw new IllegalStateException(message.toString());
        }
    }

    private static PropertySource<?> effectiveSource(ConfigurableEnvironment environment, String setting) {
        for (PropertySource<?> source : environment.getPropertySources()) {
            // Boot's attached view over all the other sources contains every setting.
            if (!ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)
                    && source.containsProperty(setting)) {
                return source;
            }
        }
        return null;
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 10;
    }
}
