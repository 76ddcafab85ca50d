package io.chatmesh.message.config;

import io.chatmesh.message.api.MessageGrpcService;
import io.chatmesh.message.api.RoomDirectory;
import io.chatmesh.message.bus.RoomEventPersister;
import io.chatmesh.message.bus.RoomEventPublisher;
import io.chatmesh.message.domain.Attachments;
import io.chatmesh.message.domain.MessageHistory;
import io.chatmesh.message.domain.MessageStore;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.client.MembershipClient;
import io.grpc.ManagedChannel;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.client.GrpcChannelFactory;

/**
 * Wires message-service: the bus consumer and publisher, RoomService clients, the gRPC service.
 * The store comes from {@link SqlMessageStoreConfiguration} or {@link MongoMessageStoreConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MessageProperties.class)
public class MessageServiceConfiguration {

    @Bean
    MessageHistory messageHistory(MessageStore store) {
        return new MessageHistory(store);
    }

    @Bean
    RoomEventPersister roomEventPersister(EventBus bus, MessageStore store, Attachments attachments,
            @Value("${" + Topics.ROOM_EVENTS_PROPERTY + ":" + Topics.ROOM_EVENTS + "}") String topic,
            MessageProperties settings) {
        return new RoomEventPersister(bus, store, attachments, topic, settings.persisterGroup());
    }

    @Bean
    RoomEventPublisher roomEventPublisher(EventBus bus,
            @Value("${" + Topics.ROOM_EVENTS_PROPERTY + ":" + Topics.ROOM_EVENTS + "}") String topic) {
        return new RoomEventPublisher(bus, Clock.systemUTC(), topic);
    }

    /** chat-service's RoomService (spring.grpc.client.channels.rooms.address). */
    @Bean
    ManagedChannel roomsChannel(GrpcChannelFactory channels) {
        return channels.createChannel("rooms");
    }

    @Bean
    MembershipClient membershipClient(@Qualifier("roomsChannel") ManagedChannel rooms, MessageProperties settings) {
        return new MembershipClient(rooms, settings.roomsDeadline(), settings.membershipCacheTtl());
    }

    @Bean
    RoomDirectory roomDirectory(@Qualifier("roomsChannel") ManagedChannel rooms, MessageProperties settings) {
        return new RoomDirectory(rooms, settings.roomsDeadline());
    }

    @Bean
    MessageGrpcService messageGrpcService(MessageHistory history, MembershipClient membership,
            RoomDirectory roomDirectory, RoomEventPublisher events, MessageProperties settings, Attachments attachments) {
        return new MessageGrpcService(history, membership, roomDirectory, events, settings.publishTimeout(), attachments);
    }
}
