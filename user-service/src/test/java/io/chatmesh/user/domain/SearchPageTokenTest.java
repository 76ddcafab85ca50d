package io.chatmesh.user.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.platform.error.ChatmeshException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class SearchPageTokenTest {

    @Test
    void aTokenLeadsBackToTheLastUsernameForTheSameQueryInAnyCase() {
        String token = SearchPageToken.encode("Ann", "anna.b");

        assertThat(SearchPageToken.decode("Ann", token)).isEqualTo("anna.b");
        assertThat(SearchPageToken.decode("aNN", token)).isEqualTo("anna.b");
    }

    @Test
    void tokensOfOtherQueriesOrNotOursAreInvalid() {
        String token = SearchPageToken.encode("ann", "anna.b");
        String forged = Base64.getUrlEncoder().encodeToString("1:0000000000000000:x' OR 1=1".getBytes(StandardCharsets.UTF_8));

        for (String bad : new String[] {token.substring(1), "!!!", forged, token + "x"}) {
            assertInvalid(() -> SearchPageToken.decode("ann", bad));
        }
        assertInvalid(() -> SearchPageToken.decode("anna", token));
    }

    private static void assertInvalid(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ChatmeshException.class, e -> {
            assertThat(e.kind()).isEqualTo(ChatmeshException.Kind.INVALID_ARGUMENT);
            assertThat(e.violations()).extracting(ChatmeshException.Violation::field).containsExactly("page_token");
        });
    }
}
