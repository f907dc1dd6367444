package dev.booster.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.Secret;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Jackson mappers configured for Booster's API records, in JSON and YAML.
 *
 * <ul>
 *   <li>Records are built through their canonical constructors, so every value read is validated exactly like one
 *       built in code; unknown fields are errors (except where a record says otherwise, e.g. object metadata).</li>
 *   <li>{@code Optional.empty()} and {@code null} are left out when writing; an absent list, set, map or optional is
 *       read as an empty one.</li>
 *   <li>{@link Secret} is written as {@value SecretSerialization#REDACTED}; it is read from a string as UTF-8 text, or
 *       as hex after a {@code hex:} prefix.</li>
 *   <li>{@link Path} is plain text (not a {@code file://} URI); durations and instants are ISO-8601 text.</li>
 *   <li>YAML is written without the {@code ---} document marker and with as few quotes as still read back the same;
 *       YAML 1.1 words like {@code yes}/{@code on} are read as strings, not booleans.</li>
 * </ul>
 *
 * <p>Each call returns a new mapper that the caller owns and may reconfigure.
 */
public final class BoosterJson {

    private BoosterJson() {
    }

    /** A new JSON mapper with Booster's settings. */
    public static JsonMapper jsonMapper() {
        return configure(JsonMapper.builder()).build();
    }

    /** A new YAML mapper with Booster's settings. */
    public static YAMLMapper yamlMapper() {
        return configure(YAMLMapper.builder(yamlFactory())).build();
    }

    /**
     * The serializers Booster adds to Jackson's ({@link Secret}, {@link Path}, {@link DataplaneConfig} with the
     * builder's defaults), for an application that configures its own mapper. Such a mapper also needs
     * {@link Jdk8Module} and {@link JavaTimeModule}.
     */
    public static Module module() {
        SimpleModule module = new SimpleModule("booster");
        module.addSerializer(Secret.class, new SecretSerialization.Writer());
        module.addDeserializer(Secret.class, new SecretSerialization.Reader());
        module.addSerializer(Path.class, new PathSerialization.Writer());
        module.addDeserializer(Path.class, new PathSerialization.Reader());
        module.addDeserializer(DataplaneConfig.class, new DataplaneConfigReader());
        return module;
    }

    static YAMLFactory yamlFactory() {
        return YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                // Type ids as a plain "type" field, as in JSON, rather than YAML tags such as !<veth>.
                .disable(YAMLGenerator.Feature.USE_NATIVE_TYPE_ID)
                .disable(YAMLGenerator.Feature.USE_NATIVE_OBJECT_ID)
                .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
                .stringQuotingChecker(new YamlQuoting())
                .build();
    }

    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
        JsonSetter.Value absentIsEmpty = JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY);
        return builder
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .addModule(module())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_ABSENT, JsonInclude.Include.NON_ABSENT))
                // Manifests leave out empty collections; the records' constructors want them non-null.
                .withConfigOverride(List.class, o -> o.setSetterInfo(absentIsEmpty))
                .withConfigOverride(Set.class, o -> o.setSetterInfo(absentIsEmpty))
                .withConfigOverride(Map.class, o -> o.setSetterInfo(absentIsEmpty))
                .withConfigOverride(Optional.class, o -> o.setSetterInfo(absentIsEmpty));
    }
}
