package io.chatmesh.chat.api;

import io.chatmesh.chat.domain.MessageChange;
import io.chatmesh.chat.domain.MessageEditing;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.DeleteMessageEvent;
import io.chatmesh.proto.chat.v1.EditMessageEvent;
import io.chatmesh.proto.chat.v1.ReactEvent;
import java.nio.charset.StandardCharsets;
import java.text.BreakIterator;
import java.util.concurrent.CompletableFuture;

/** Field rules of edit, delete and react, on the stream and their unary twins (fields under {@code prefix}). */
final class ChangeRequests {

    static final int EMOJI_MAX_BYTES = 32;
    private static final int ZERO_WIDTH_JOINER = 0x200D;
    private static final int VARIATION_SELECTOR_16 = 0xFE0F;
    private static final int KEYCAP = 0x20E3;

    private ChangeRequests() {}

    static void checkEdit(String prefix, EditMessageEvent edit) {
        Validation validation = target(prefix, edit.getRoomId(), edit.getMessageId())
                .length(prefix + ".text", edit.getText(), 1, Requests.TEXT_MAX);
        Requests.noNul(validation, prefix + ".text", edit.getText());
        validation.check();
    }

    static void checkDelete(String prefix, DeleteMessageEvent delete) {
        target(prefix, delete.getRoomId(), delete.getMessageId()).check();
    }

    static void checkReact(String prefix, ReactEvent react) {
        String emoji = react.getEmoji();
        target(prefix, react.getRoomId(), react.getMessageId())
                .require(!emoji.isEmpty() && emoji.getBytes(StandardCharsets.UTF_8).length <= EMOJI_MAX_BYTES,
                        prefix + ".emoji", "must be 1-" + EMOJI_MAX_BYTES + " bytes of UTF-8")
                .require(emoji.isEmpty() || isOneEmoji(emoji), prefix + ".emoji", "must be exactly one emoji")
                .check();
    }

    /** Validates the stream's edit, delete or react and submits it. */
    static CompletableFuture<MessageChange> submit(MessageEditing editing, String userId, ClientEvent event) {
        return switch (event.getEventCase()) {
            case EDIT -> {
                EditMessageEvent edit = event.getEdit();
                checkEdit("edit", edit);
                yield editing.edit(userId, edit.getRoomId(), edit.getMessageId(), edit.getText());
            }
            case DELETE -> {
                DeleteMessageEvent delete = event.getDelete();
                checkDelete("delete", delete);
                yield editing.delete(userId, delete.getRoomId(), delete.getMessageId());
            }
            case REACT -> {
                ReactEvent react = event.getReact();
                checkReact("react", react);
                yield editing.react(userId, react.getRoomId(), react.getMessageId(), react.getEmoji(), react.getRemove());
            }
            default -> throw new IllegalStateException("not a change: " + event.getEventCase());
        };
    }

    private static Validation target(String prefix, String roomId, String messageId) {
        return new Validation().id(prefix + ".room_id", roomId).id(prefix + ".message_id", messageId);
    }

    /**
     * One emoji (docs/chat.md, "Reactions"): a single grapheme cluster (Unicode extended
     * grapheme clusters: a ZWJ sequence, a flag, a keycap or a modified emoji is one) made only
     * of emoji code points (Unicode's Emoji, Emoji_Component and Extended_Pictographic
     * properties, plus the zero-width joiner, variation selector 16 and the keycap mark),
     * with at least one pictograph, regional indicator or keycap among them — so "a", "1",
     * "#" or "👍👍" are refused and "👍🏽", "🇰🇷", "1️⃣" and "👩‍💻" are accepted.
     */
    static boolean isOneEmoji(String text) {
        BreakIterator clusters = BreakIterator.getCharacterInstance();
        clusters.setText(text);
        if (clusters.next() != text.length()) {
            return false;
        }
        boolean pictograph = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            boolean emojiPart = Character.isEmoji(cp) || Character.isEmojiComponent(cp)
                    || Character.isExtendedPictographic(cp) || cp == ZERO_WIDTH_JOINER
                    || cp == VARIATION_SELECTOR_16 || cp == KEYCAP;
            if (!emojiPart) {
                return false;
            }
            pictograph |= Character.isExtendedPictographic(cp) || Character.isEmojiPresentation(cp) || cp == KEYCAP
                    || (cp >= 0x1F1E6 && cp <= 0x1F1FF);
        }
        return pictograph;
    }
}
