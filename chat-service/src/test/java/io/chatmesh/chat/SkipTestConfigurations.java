package io.chatmesh.chat;

import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;

/**
 * Keeps the @TestConfiguration classes of the single-instance tests (same package tree) out of
 * the component scan of an application a test starts itself, as @SpringBootTest does for its
 * own; register it as a singleton before the context refreshes.
 */
public final class SkipTestConfigurations extends TypeExcludeFilter {
    @Override
    public boolean match(MetadataReader reader, MetadataReaderFactory factory) {
        return reader.getAnnotationMetadata().hasAnnotation(TestConfiguration.class.getName());
    }
}
