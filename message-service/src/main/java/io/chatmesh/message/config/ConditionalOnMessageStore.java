package io.chatmesh.message.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/** Applies when {@value MessageStoreKind#PROPERTY} selects the given store (parsed by {@link MessageStoreKind#of}). */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(OnMessageStoreCondition.class)
@interface ConditionalOnMessageStore {

    MessageStoreKind value();
}
