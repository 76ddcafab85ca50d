package io.chatmesh.launcher;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.cors.CorsService;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * CORS on the gRPC routes, so a page from an allowed origin can call the edge with gRPC-Web.
 * A gRPC-Web POST is never a "simple" request: the browser asks first (preflight), and sends
 * nothing to a backend unless the answer allows its origin. Native gRPC sends no Origin and is
 * not affected. docs/edge.md lists the same, for the gateway to mirror.
 */
final class EdgeCors {

    /** What gRPC-Web clients (grpc-web, connect-web) send beside the body. */
    static final List<String> ALLOWED_REQUEST_HEADERS =
            List.of("content-type", "x-grpc-web", "x-user-agent", "grpc-timeout", "authorization");

    /** Where a gRPC-Web client reads the outcome, also of a call refused before any message (trailers only). */
    static final List<String> EXPOSED_RESPONSE_HEADERS =
            List.of("grpc-status", "grpc-message", "grpc-status-details-bin");

    /** How long a browser may reuse a preflight answer (Chromium caps it at 2 h). */
    static final Duration PREFLIGHT_MAX_AGE = Duration.ofHours(1);

    private EdgeCors() {}

    /** @param allowedOrigin tested against the request's Origin, lower case, e.g. "http://localhost:5173" */
    static Function<? super HttpService, CorsService> decorator(Predicate<String> allowedOrigin) {
        return CorsService.builder(allowedOrigin)
                .allowRequestMethods(HttpMethod.POST)
                .allowRequestHeaders(ALLOWED_REQUEST_HEADERS)
                .exposeHeaders(EXPOSED_RESPONSE_HEADERS)
                .maxAge(PREFLIGHT_MAX_AGE)
                .newDecorator();
    }
}
