package io.chatmesh.platform.http;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chatmesh.http.*}: the service's HTTP port ({@link HttpFace}). Without a port there is
 * none (tests, the embedded launcher, whose edge serves all of it); the production profile sets
 * one per service.
 *
 * @param port 0: any free port
 * @param host loopback unless told otherwise, like the gRPC port
 * @param allowedOrigins browser origins allowed to open the WebSockets (e.g.
 *        https://chat.example.org); none: no browser can
 */
@ConfigurationProperties("chatmesh.http")
public record HttpProperties(int port, @DefaultValue("127.0.0.1") String host, @DefaultValue List<String> allowedOrigins) {}
