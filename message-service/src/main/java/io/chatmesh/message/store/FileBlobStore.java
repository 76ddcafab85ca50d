package io.chatmesh.message.store;

import io.chatmesh.message.domain.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * {@link BlobStore} in a directory (by default {@code attachments} under the data directory):
 * {@code <dir>/<last two characters of the id>/<id>}, and {@code <id>.part} while uploading.
 * Every write is forced to disk before it counts, so a committed chunk survives a crash.
 * Instances sharing attachments need a shared directory.
 */
public final class FileBlobStore implements BlobStore {

    private static final Pattern ID = Pattern.compile("[0-9A-Z]{26}");
    private static final int READ_BUFFER = 64 * 1024;

    private final Path root;

    /** The directory is created with the first upload. */
    public FileBlobStore(Path root) {
        this.root = root;
    }

    @Override
    public void write(String id, long offset, byte[] data) {
        Path part = part(id);
        try {
            Files.createDirectories(part.getParent());
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                channel.truncate(offset);
                ByteBuffer buffer = ByteBuffer.wrap(data);
                long position = offset;
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
                channel.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + part, e);
        }
    }

    @Override
    public String sha256(String id, long size) {
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = Files.newInputStream(part(id))) {
            byte[] buffer = new byte[READ_BUFFER];
            long left = size;
            while (left > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    break; // shorter than committed: the hash cannot match
                }
                digest.update(buffer, 0, read);
                left -= read;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + part(id), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public void seal(String id, long size) {
        Path part = part(id);
        try {
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
                channel.truncate(size);
                channel.force(true);
            }
            Files.move(part, sealed(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot seal " + part, e);
        }
    }

    @Override
    public InputStream open(String id) {
        try {
            return Files.newInputStream(sealed(id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + sealed(id), e);
        }
    }

    @Override
    public void delete(String id) {
        try {
            Files.deleteIfExists(part(id));
            Files.deleteIfExists(sealed(id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete attachment " + id, e);
        }
    }

    private Path sealed(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not an attachment id: " + id);
        }
        return root.resolve(id.substring(id.length() - 2)).resolve(id);
    }

    private Path part(String id) {
        Path sealed = sealed(id);
        return sealed.resolveSibling(sealed.getFileName() + ".part");
    }
}
