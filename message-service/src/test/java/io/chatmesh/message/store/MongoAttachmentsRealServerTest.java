package io.chatmesh.message.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Attachments on the MongoDB adapters against a real mongod named by
 * {@value MongoMessageStoreRealServerTest#URI_VARIABLE}; skipped, saying why, without it.
 */
class MongoAttachmentsRealServerTest extends MongoAttachmentsTestBase {

    private static MongoClient client;

    @BeforeAll
    static void connect() {
        String uri = System.getenv(MongoMessageStoreRealServerTest.URI_VARIABLE);
        if (uri != null && !uri.isBlank()) {
            client = MongoClients.create(uri);
        }
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.close();
        }
    }

    @Override
    protected MongoClient client() {
        assumeTrue(client != null,
                MongoMessageStoreRealServerTest.URI_VARIABLE + " is not set: no real MongoDB to test against");
        return client;
    }
}
