package dev.booster.agent.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import dev.booster.api.Secret;
import dev.booster.config.BoosterJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;

/**
 * The agent's state on disk: {@value #FILE_NAME} in the state directory (e.g. {@code /var/lib/booster}), JSON,
 * written atomically (a temporary file in the same directory, forced to disk, renamed over the old one), so a crash
 * leaves the old state or the new one, never half of one. Mode 0600: it holds memif secrets, in hex (the manifest
 * writer redacts them, which would lose them here).
 */
public final class StateFile {
    public static final String FILE_NAME = "agent-state.json";
    private static final System.Logger LOG = System.getLogger(StateFile.class.getName());
    private static final JsonMapper JSON = mapper();

    private final Path directory;
    private final Path file;

    public StateFile(Path directory) {
        this.directory = directory;
        this.file = directory.resolve(FILE_NAME);
    }

    public Path path() {
        return file;
    }

    /**
     * The state last written; {@link AgentState#EMPTY} when there is none. A file that cannot be read (truncated by
     * hand, another format) is moved aside to {@code agent-state.json.unreadable-<time>} and the agent starts empty:
     * its pods keep running and are cleaned up by the runtime's DEL, which beats an agent that cannot start.
     */
    public AgentState read() {
        if (!Files.exists(file)) return AgentState.EMPTY;
        try {
            AgentState state = JSON.readValue(file.toFile(), AgentState.class);
            if (state.version() != AgentState.VERSION) {
                throw new IOException("format version " + state.version() + " is not " + AgentState.VERSION + " (written by another Booster version)");
            }
            return state;
        } catch (IOException | RuntimeException e) {
            Path aside = directory.resolve(FILE_NAME + ".unreadable-" + Instant.now().toEpochMilli());
            LOG.log(System.Logger.Level.ERROR, "cannot read " + file + " (" + e.getMessage() + "); moved to " + aside
                    + " and starting without state: pods attached before are not adopted");
            try {
                Files.move(file, aside);
            } catch (IOException moveFailed) {
                throw new UncheckedIOException("cannot move the unreadable " + file + " aside: " + moveFailed.getMessage(), moveFailed);
            }
            return AgentState.EMPTY;
        }
    }

    /** Replaces the state on disk atomically. */
    public synchronized void write(AgentState state) {
        Path temporary = directory.resolve(FILE_NAME + ".tmp");
        try {
            Files.createDirectories(directory);
            byte[] bytes = JSON.writeValueAsBytes(state);
            Files.deleteIfExists(temporary);
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.WRITE))) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) channel.write(buffer);
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the agent state " + file + ": " + e.getMessage()
                    + " (is the state directory writable? set it with --state-dir)", e);
        }
    }

    private static JsonMapper mapper() {
        JsonMapper mapper = BoosterJson.jsonMapper();
        mapper.enable(SerializationFeature.INDENT_OUTPUT);
        SimpleModule secrets = new SimpleModule("booster-agent-state");
        secrets.addSerializer(Secret.class, new SecretAsHex());
        mapper.registerModule(secrets);
        return mapper;
    }

    /** {@code hex:...}, which Booster's reader takes back as the same bytes. */
    private static final class SecretAsHex extends StdScalarSerializer<Secret> {
        SecretAsHex() {
            super(Secret.class);
        }

        @Override
        public void serialize(Secret value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString("hex:" + HexFormat.of().formatHex(value.bytes()));
        }
    }
}
