package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rule for what one emoji is (docs/chat.md, "Edits, deletions and reactions"). */
class ChangeRequestsTest {

    @ParameterizedTest
    @ValueSource(strings = {"👍", "❤️", "👍🏽", "🇰🇷", "1️⃣", "👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "😀", "✅", "©️"})
    void oneEmojiIsAccepted(String emoji) {
        assertThat(ChangeRequests.isOneEmoji(emoji)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "1", "#", "+1", ":thumbsup:", "👍👍", "👍 ", " 👍", "ok👍", "\u200D", "\uFE0F", "한"})
    void anythingElseIsRefused(String text) {
        assertThat(ChangeRequests.isOneEmoji(text)).isFalse();
    }
}
