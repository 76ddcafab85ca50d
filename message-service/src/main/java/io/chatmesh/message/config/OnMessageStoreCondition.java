package io.chatmesh.message.config;

import java.util.Map;
import java.util.Objects;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** The condition of {@link ConditionalOnMessageStore}. */
class OnMessageStoreCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Map<String, Object> attributes = Objects.requireNonNull(
                metadata.getAnnotationAttributes(ConditionalOnMessageStore.class.getName()));
        MessageStoreKind wanted = (MessageStoreKind) attributes.get("value");
        MessageStoreKind configured = MessageStoreKind.of(context.getEnvironment());
        String message = MessageStoreKind.PROPERTY + "=" + configured.propertyValue();
        return configured == wanted ? ConditionOutcome.match(message) : ConditionOutcome.noMatch(message);
    }
}
