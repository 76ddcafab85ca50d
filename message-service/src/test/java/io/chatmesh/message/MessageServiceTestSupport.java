package io.chatmesh.message;

import io.chatmesh.testkit.TestPostgres;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole service on random ports (gRPC, HTTP) with the default SQL store on real PostgreSQL (see {@link MessageServiceClientSupport}). */
@SpringBootTest(classes = MessageServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=" + MessageServiceApplication.CONFIG_NAME, "spring.grpc.server.port=0",
                "chatmesh.http.port=0", "chatmesh.message.attachments.directory=target/test-attachments",
                // long, so that a download waiting for its message never ends by the bound on a slow machine
                "chatmesh.message.attachments.posting-wait=1m"})
@Import(MessageServiceClientSupport.TestBeans.class)
public abstract class MessageServiceTestSupport extends MessageServiceClientSupport {

    private static final String DATABASE_URL = TestPostgres.newDatabase();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DATABASE_URL);
        registry.add("spring.datasource.username", () -> TestPostgres.USER);
        registry.add("spring.datasource.password", () -> TestPostgres.PASSWORD);
    }
}
