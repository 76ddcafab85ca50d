package io.chatmesh.platform.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.platform.id.Ids;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ids are ULIDs: 26 characters of Crockford base32, nothing else. */
class ValidationIdTest {

    /** The alphabet as the contract's comments state it. */
    private static final Pattern ULID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");

    @Test
    void generatedIdsAreValid() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(Validation.isId(Ids.newId())).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"01ARZ3NDEKTSV4RRFFQ69G5FA", "01ARZ3NDEKTSV4RRFFQ69G5FAVX", "01ARZ3NDEKTSV4RRFFQ69G5FAI",
            "01ARZ3NDEKTSV4RRFFQ69G5FAL", "01ARZ3NDEKTSV4RRFFQ69G5FAO", "01ARZ3NDEKTSV4RRFFQ69G5FAU",
            "01arz3ndektsv4rrffq69g5fav", "01ARZ3NDEKTSV4RRFFQ69G5FA-", "01ARZ3NDEKTSV4RRFFQ69G5FA\u00c9", " 1ARZ3NDEKTSV4RRFFQ69G5FAV"})
    void anythingElseIsNot(String value) {
        assertThat(Validation.isId(value)).isFalse();
        assertThat(ULID.matcher(value).matches()).isFalse();
        assertThatThrownBy(() -> new Validation().id("room_id", value).check())
                .isInstanceOfSatisfying(ChatmeshException.class,
                        e -> assertThat(e.violations()).extracting(ChatmeshException.Violation::field).containsExactly("room_id"));
    }

    @Test
    void everyCharacterOfTheAlphabetAndNoOtherIsAccepted() {
        for (char c = 0; c < 0x3000; c++) {
            String id = "01ARZ3NDEKTSV4RRFFQ69G5FA" + c;
            assertThat(Validation.isId(id)).as("U+%04X", (int) c).isEqualTo(ULID.matcher(id).matches());
        }
    }
}
