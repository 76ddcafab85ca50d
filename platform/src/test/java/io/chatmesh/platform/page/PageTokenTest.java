package io.chatmesh.platform.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.platform.error.ChatmeshException;
import org.junit.jupiter.api.Test;

class PageTokenTest {

    @Test
    void roundTripsItsPartsWhateverTheLastOneContains() {
        String token = PageToken.encode("rooms", "42", "name with\nnewline & ünïcode");
        assertThat(PageToken.decode(token, "rooms", 2)).containsExactly("42", "name with\nnewline & ünïcode");
        assertThat(PageToken.decode("", "rooms", 2)).isNull();
    }

    @Test
    void rejectsTokensOfOtherListsAndGarbage() {
        String token = PageToken.encode("members", "1", "2", "u");
        for (String bad : new String[] {token + "!", "%%%", PageToken.encode("rooms", "1"), "x".repeat(2000)}) {
            assertThatThrownBy(() -> PageToken.decode(bad, "rooms", 2))
                    .isInstanceOfSatisfying(ChatmeshException.class,
                            e -> assertThat(e.kind()).isEqualTo(ChatmeshException.Kind.INVALID_ARGUMENT));
        }
        assertThatThrownBy(() -> PageToken.decode(token, "rooms", 3)).isInstanceOf(ChatmeshException.class);
    }
}
