package io.chatmesh.message.config;

import io.chatmesh.message.store.JdbiMessageStore;
import io.chatmesh.platform.task.PeriodicTask;
import org.jdbi.v3.core.Jdbi;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** chatmesh.message.store=sql (the default): messages in PostgreSQL, over the Jdbi bean platform makes from the DataSource. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMessageStore(MessageStoreKind.SQL)
class SqlMessageStoreConfiguration {

    @Bean
    JdbiMessageStore messageStore(Jdbi jdbi) {
        return new JdbiMessageStore(jdbi);
    }

    /** Keeps unread counters and search indexing off the send path (docs/message-store.md, "Unread and mention counts", "Search"). */
    @Bean
    PeriodicTask roomFold(JdbiMessageStore store, MessageProperties settings) {
        return new PeriodicTask("room-fold", settings.unreadFoldInterval(), store::foldNewMessages);
    }
}
