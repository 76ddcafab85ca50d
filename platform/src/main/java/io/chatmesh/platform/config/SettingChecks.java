package io.chatmesh.platform.config;

import java.time.Duration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Range checks for the settings under one prefix, for the compact constructors of the services'
 * {@code @ConfigurationProperties} records: a value out of range stops startup with
 * {@link InvalidConfigurationPropertyValueException} naming the setting ({@code prefix.name}),
 * which the launcher prints as one line, instead of failing later deep inside a component.
 */
public record SettingChecks(String prefix) {

    public void present(String name, Object value) {
        require(name, value, value != null, "must be set");
    }

    public void positive(String name, Duration value) {
        require(name, value, value != null && value.isPositive(), "must be longer than 0");
    }

    public void notNegative(String name, Duration value) {
        require(name, value, value != null && !value.isNegative(), "must be 0 or longer");
    }

    public void atLeastOne(String name, int value) {
        require(name, value, value >= 1, "must be at least 1");
    }

    public void notNegative(String name, int value) {
        require(name, value, value >= 0, "must be 0 or more");
    }

    /** @throws InvalidConfigurationPropertyValueException naming {@code prefix.name} unless {@code valid} */
    public void require(String name, Object value, boolean valid, String reason) {
        if (!valid) {
            throw new InvalidConfigurationPropertyValueException(prefix + "." + name, value, reason);
        }
    }
}
