package io.chatmesh.launcher;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * gRPC-Web by hand, the bytes a browser sends: HTTP/1.1 (browsers never speak cleartext HTTP/2),
 * one length-prefixed message in the request body, and a response of message frames plus a
 * trailer frame (flag 0x80) — or, for a call refused before any message, the status in the
 * response headers ("trailers only"). Text mode is the same, base64-encoded.
 */
final class GrpcWebClient {

    static final String BINARY = "application/grpc-web+proto";
    static final String TEXT = "application/grpc-web-text";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    GrpcWebClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** One call, read to its end. */
    Response call(String contentType, String path, byte[] message, String... headerPairs) {
        try {
            HttpResponse<byte[]> response = http.send(request(contentType, path, message, headerPairs).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = TEXT.equals(contentType) ? decodeText(response.body()) : response.body();
            return Response.parse(response.statusCode(), response.headers(),
                    new DataInputStream(new ByteArrayInputStream(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A binary call whose response is read frame by frame as it arrives; closing it ends the call. */
    InputStream open(String path, byte[] message, String... headerPairs) {
        try {
            return http.send(request(BINARY, path, message, headerPairs).build(),
                    HttpResponse.BodyHandlers.ofInputStream()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP request of any kind to the edge (preflights, /healthz). */
    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI uri(String path) {
        return URI.create(base + path);
    }

    private HttpRequest.Builder request(String contentType, String path, byte[] message, String... headerPairs) {
        byte[] framed = frame(message);
        byte[] body = TEXT.equals(contentType) ? Base64.getEncoder().encode(framed) : framed;
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("content-type", contentType).header("accept", contentType).header("x-grpc-web", "1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headerPairs.length; i += 2) {
            request.header(headerPairs[i], headerPairs[i + 1]);
        }
        return request;
    }

    static byte[] frame(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }

    /** The next frame's payload, or null at the end of the body. */
    static Frame readFrame(DataInputStream in) throws IOException {
        int flags = in.read();
        if (flags < 0) {
            return null;
        }
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        return new Frame((flags & 0x80) != 0, payload);
    }

    /** Each response chunk is base64 on its own (with padding), so decode four characters at a time. */
    private static byte[] decodeText(byte[] text) {
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        for (int i = 0; i + 4 <= text.length; i += 4) {
            decoded.writeBytes(Base64.getDecoder().decode(new String(text, i, 4, StandardCharsets.US_ASCII)));
        }
        return decoded.toByteArray();
    }

    record Frame(boolean trailers, byte[] payload) {}

    /**
     * @param trailers the trailer frame's fields, or for a trailers-only response the gRPC fields of
     *        the response headers; names in lower case
     */
    record Response(int httpStatus, HttpHeaders headers, List<byte[]> messages, Map<String, String> trailers) {

        int grpcStatus() {
            return Integer.parseInt(trailers.get("grpc-status"));
        }

        /** The google.rpc.Status of {@code grpc-status-details-bin} (base64, padded or not), or null. */
        com.google.rpc.Status statusDetails() {
            String value = trailers.get("grpc-status-details-bin");
            try {
                return value == null ? null : com.google.rpc.Status.parseFrom(Base64.getDecoder().decode(value));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("grpc-status-details-bin is not a google.rpc.Status", e);
            }
        }

        static Response parse(int httpStatus, HttpHeaders headers, DataInputStream body) throws IOException {
            List<byte[]> messages = new ArrayList<>();
            Map<String, String> trailers = new LinkedHashMap<>();
            try {
                for (Frame frame = readFrame(body); frame != null; frame = readFrame(body)) {
                    if (frame.trailers()) {
                        trailers.putAll(trailerFields(frame.payload()));
                    } else {
                        messages.add(frame.payload());
                    }
                }
            } catch (EOFException e) {
                throw new AssertionError("truncated gRPC-Web frame", e);
            }
            if (trailers.isEmpty()) {
                for (String name : List.of("grpc-status", "grpc-message", "grpc-status-details-bin")) {
                    headers.firstValue(name).ifPresent(value -> trailers.put(name, value));
                }
            }
            return new Response(httpStatus, headers, messages, trailers);
        }

        private static Map<String, String> trailerFields(byte[] payload) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : new String(payload, StandardCharsets.US_ASCII).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            return fields;
        }
    }
}
