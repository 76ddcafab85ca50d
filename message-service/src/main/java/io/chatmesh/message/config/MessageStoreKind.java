package io.chatmesh.message.config;

import java.util.Arrays;
import java.util.Locale;
import org.springframework.core.env.PropertyResolver;

/** Where message-service keeps messages and read markers: {@value #PROPERTY} = sql (default) or mongodb. */
public enum MessageStoreKind {
    /** PostgreSQL through Jdbi, schema by Flyway (spring.datasource.*). */
    SQL,
    /** MongoDB (chatmesh.message.mongodb.*); no DataSource or Flyway then. */
    MONGODB;

    public static final String PROPERTY = "chatmesh.message.store";

    /** The configured store; an unknown value fails naming the property, so a typo never picks a store silently. */
    public static MessageStoreKind of(PropertyResolver properties) {
        String value = properties.getProperty(PROPERTY, "sql").trim();
        return Arrays.stream(values())
                .filter(kind -> kind.propertyValue().equals(value.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        PROPERTY + " (env CHATMESH_MESSAGE_STORE) must be sql or mongodb, not '" + value + "'"));
    }

    /** How the property spells this store. */
    public String propertyValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
