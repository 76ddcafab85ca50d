package io.chatmesh.message.config;

import io.chatmesh.message.api.AttachmentClaimGrpcService;
import io.chatmesh.message.domain.AttachmentStore;
import io.chatmesh.message.domain.Attachments;
import io.chatmesh.message.domain.BlobStore;
import io.chatmesh.platform.task.PeriodicTask;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Attachments: the domain service over the store's {@link AttachmentStore} and {@link BlobStore}
 * (from {@link SqlAttachmentConfiguration} or {@link MongoAttachmentConfiguration}), the internal
 * claim service chat-service calls, the sweeper of expired uploads, and a gauge of downloads
 * waiting for their message to be stored.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AttachmentProperties.class)
public class AttachmentConfiguration {

    /** Closed with the context (its posting waits' thread). */
    @Bean
    Attachments attachments(AttachmentStore store, BlobStore blobs, AttachmentProperties properties,
            ObjectProvider<MeterRegistry> registry) {
        Attachments attachments = new Attachments(store, blobs, properties.limits(), properties.postingWait(),
                Clock.systemUTC());
        registry.ifAvailable(r -> Gauge.builder("chatmesh.message.attachment.downloads.waiting", attachments,
                        Attachments::waitingDownloads)
                .description("downloads waiting for the message that posts their attachment to be stored")
                .register(r));
        return attachments;
    }

    @Bean
    AttachmentClaimGrpcService attachmentClaimGrpcService(Attachments attachments) {
        return new AttachmentClaimGrpcService(attachments);
    }

    /**
     * Removes expired uploads and unposted attachments, content included, every interval (and
     * once at start). Every instance sweeps; removing is idempotent, so instances racing do no harm.
     */
    @Bean
    PeriodicTask attachmentSweeper(Attachments attachments, AttachmentProperties properties) {
        return new PeriodicTask("attachment-sweeper", properties.sweepInterval(), attachments::sweepExpired);
    }
}
