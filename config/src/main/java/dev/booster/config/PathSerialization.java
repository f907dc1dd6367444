package dev.booster.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Paths as the plain text people write ({@code /var/run/netns/pod1}), not Jackson's default {@code file://} URIs. */
final class PathSerialization {
    private PathSerialization() {
    }

    static final class Writer extends StdScalarSerializer<Path> {
        Writer() {
            super(Path.class);
        }

        @Override
        public void serialize(Path value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.toString());
        }
    }

    static final class Reader extends StdScalarDeserializer<Path> {
        Reader() {
            super(Path.class);
        }

        @Override
        public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Path) ctxt.handleUnexpectedToken(Path.class, p);
            }
            try {
                return Path.of(p.getText());
            } catch (InvalidPathException e) {
                throw ctxt.instantiationException(Path.class, new IllegalArgumentException("\"" + e.getInput() + "\" is not a path: " + e.getReason()));
            }
        }
    }
}
