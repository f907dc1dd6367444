package dev.booster.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import dev.booster.api.Capability;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a {@link DataplaneConfig} through its builder, so a config file names only what differs from the defaults
 * (any provider, node name from the host, one worker).
 */
final class DataplaneConfigReader extends StdDeserializer<DataplaneConfig> {

    /** The fields a config file may have; absent ones keep the builder's defaults. */
    record Document(Optional<String> provider, Set<Capability> requiredCapabilities, Optional<String> nodeName,
                    Optional<Integer> workers, Map<String, String> options) {
    }

    DataplaneConfigReader() {
        super(DataplaneConfig.class);
    }

    @Override
    public DataplaneConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        Document doc = ctxt.readValue(p, Document.class);
        try {
            DataplaneConfig.Builder builder = DataplaneConfig.builder();
            doc.provider().ifPresent(builder::provider);
            builder.require(doc.requiredCapabilities().toArray(Capability[]::new));
            doc.nodeName().ifPresent(builder::nodeName);
            doc.workers().ifPresent(builder::workers);
            doc.options().forEach((key, value) -> {
                if (value == null) throw new InvalidSpecException("options." + key, "has no value; give a string");
                builder.option(key, value);
            });
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw ctxt.instantiationException(DataplaneConfig.class, e);
        }
    }
}
