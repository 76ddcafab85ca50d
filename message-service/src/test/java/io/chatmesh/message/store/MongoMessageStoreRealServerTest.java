package io.chatmesh.message.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The MongoDB adapter against a real mongod (or cluster) named by {@value #URI_VARIABLE}, e.g.
 * {@code mongodb://127.0.0.1:27017}; without it every test is skipped, saying why. Each test uses
 * and drops a database of its own.
 */
class MongoMessageStoreRealServerTest extends MongoMessageStoreTestBase {

    static final String URI_VARIABLE = "CHATMESH_TEST_MONGODB_URI";

    private static MongoClient client;

    @BeforeAll
    static void connect() {
        String uri = System.getenv(URI_VARIABLE);
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

    /** Asked for before every test (it opens the test's database), so each test reports the skip. */
    @Override
    protected MongoClient client() {
        assumeTrue(client != null, URI_VARIABLE + " is not set: no real MongoDB to test against");
        return client;
    }
}
