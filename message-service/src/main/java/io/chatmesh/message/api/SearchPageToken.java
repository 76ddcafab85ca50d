package io.chatmesh.message.api;

import io.chatmesh.message.domain.MessageSearch;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * SearchMessages' opaque page token: the create time (epoch milliseconds) and id of the last
 * message of the previous page. Clients must not parse it; the format may change.
 */
final class SearchPageToken {

    private static final Pattern FORMAT = Pattern.compile("S:([0-9]{1,15}):([0-9A-HJKMNP-TV-Z]{26})");

    private SearchPageToken() {}

    static String encode(MessageSearch.SearchCursor cursor) {
        return OpaqueTokens.encode("S:" + cursor.createTime().toEpochMilli() + ":" + cursor.messageId());
    }

    /** Empty when the token was not made by {@link #encode}. */
    static Optional<MessageSearch.SearchCursor> decode(String token) {
        return OpaqueTokens.decode(token, FORMAT).map(matcher -> new MessageSearch.SearchCursor(
                Instant.ofEpochMilli(Long.parseLong(matcher.group(1))), matcher.group(2)));
    }
}
