package dev.booster.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import dev.booster.api.Secret;

import java.io.IOException;

/** Secrets are written redacted and read from text: {@code hex:...} for hex key material, anything else as UTF-8. */
final class SecretSerialization {
    static final String REDACTED = "<redacted>";
    static final String HEX_PREFIX = "hex:";

    private SecretSerialization() {
    }

    static Secret parse(String text) {
        if (text.equals(REDACTED)) {
            throw new IllegalArgumentException(REDACTED + " is the marker Booster writes in place of a secret; put the real secret here");
        }
        return text.startsWith(HEX_PREFIX) ? Secret.ofHex(text.substring(HEX_PREFIX.length())) : Secret.ofString(text);
    }

    static final class Writer extends StdScalarSerializer<Secret> {
        Writer() {
            super(Secret.class);
        }

        @Override
        public void serialize(Secret value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(REDACTED);
        }
    }

    static final class Reader extends StdScalarDeserializer<Secret> {
        Reader() {
            super(Secret.class);
        }

        @Override
        public Secret deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Secret) ctxt.handleUnexpectedToken(Secret.class, p);
            }
            try {
                return parse(p.getText());
            } catch (IllegalArgumentException e) {
                throw ctxt.instantiationException(Secret.class, e);
            }
        }
    }
}
