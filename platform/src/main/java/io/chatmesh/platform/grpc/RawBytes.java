package io.chatmesh.platform.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Messages as the bytes on the wire, unparsed: for forwarding a call without knowing its types
 * (the launcher's edge) and for clients that must send what a typed stub cannot (tests sending
 * frames that are not valid requests).
 */
public final class RawBytes {

    /** Passes a message's bytes through as they are. */
    public static final MethodDescriptor.Marshaller<byte[]> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("cannot read message").withCause(e).asRuntimeException();
            }
        }
    };

    private RawBytes() {}
}
