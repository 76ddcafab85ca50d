package io.chatmesh.message.config;

import io.chatmesh.message.domain.MessageStore;
import io.chatmesh.message.store.JdbiMessageStore;
import org.jdbi.v3.core.Jdbi;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** chatmesh.message.store=sql (the default): messages in PostgreSQL, over the Jdbi bean platform makes from the DataSource. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMessageStore(MessageStoreKind.SQL)
class SqlMessageStoreConfiguration {

    @Bean
    MessageStore messageStore(Jdbi jdbi) {
        return new JdbiMessageStore(jdbi);
    }
}
