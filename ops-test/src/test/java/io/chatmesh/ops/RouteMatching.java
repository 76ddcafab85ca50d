package io.chatmesh.ops;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which route (or jwt_authn rule) Envoy picks for a request: the first whose match holds, as Envoy
 * does. Only the matchers the files use are understood (path, prefix, safe_regex on the whole
 * path; headers by exact value, prefix or presence); any other fails the test rather than being
 * guessed at. Regexes are RE2 in Envoy and java.util.regex here: the files keep to what both
 * read the same way (literals, escaped dots, classes, alternations).
 */
final class RouteMatching {

    /** A request as the router sees it: path, and headers with lower-case names. */
    record Request(String path, Map<String, String> headers) {

        static Request grpc(String path) {
            return new Request(path, Map.of(":method", "POST", "content-type", "application/grpc"));
        }

        static Request grpcWeb(String path, String contentType) {
            return new Request(path, Map.of(":method", "POST", "content-type", contentType, "x-grpc-web", "1"));
        }

        static Request webSocket(String path) {
            return new Request(path, Map.of(":method", "GET", "connection", "upgrade", "upgrade", "websocket"));
        }

        static Request get(String path) {
            return new Request(path, Map.of(":method", "GET"));
        }
    }

    private RouteMatching() {}

    static Optional<Route> firstRoute(List<Route> routes, Request request) {
        return routes.stream().filter(route -> matches(route.getMatch(), request)).findFirst();
    }

    static boolean matches(RouteMatch match, Request request) {
        if (match.hasCaseSensitive() && !match.getCaseSensitive().getValue()) {
            throw new UnsupportedOperationException("case-insensitive matching: " + match);
        }
        if (match.getQueryParametersCount() > 0 || match.hasGrpc() || match.hasRuntimeFraction()
                || match.getDynamicMetadataCount() > 0 || match.getFilterStateCount() > 0 || match.hasTlsContext()) {
            throw new UnsupportedOperationException("a matcher these tests do not know: " + match);
        }
        boolean path = switch (match.getPathSpecifierCase()) {
            case PREFIX -> request.path().startsWith(match.getPrefix());
            case PATH -> request.path().equals(match.getPath());
            // Envoy: "the regex must match the path entirely"
            case SAFE_REGEX -> Pattern.compile(match.getSafeRegex().getRegex()).matcher(request.path()).matches();
            default -> throw new UnsupportedOperationException("path matcher " + match.getPathSpecifierCase());
        };
        return path && match.getHeadersList().stream().allMatch(header -> matches(header, request));
    }

    private static boolean matches(HeaderMatcher header, Request request) {
        String value = request.headers().get(header.getName());
        boolean holds = switch (header.getHeaderMatchSpecifierCase()) {
            case PRESENT_MATCH -> (value != null) == header.getPresentMatch();
            case STRING_MATCH -> value != null && matches(header.getStringMatch(), value);
            default -> throw new UnsupportedOperationException("header matcher " + header);
        };
        return holds != header.getInvertMatch();
    }

    private static boolean matches(StringMatcher matcher, String value) {
        if (matcher.getIgnoreCase()) {
            throw new UnsupportedOperationException("ignore_case: " + matcher);
        }
        return switch (matcher.getMatchPatternCase()) {
            case EXACT -> value.equals(matcher.getExact());
            case PREFIX -> value.startsWith(matcher.getPrefix());
            default -> throw new UnsupportedOperationException("string matcher " + matcher);
        };
    }
}
