package dev.booster.vpp.codegen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads one {@code .api.json} as {@code vppapigen} writes it. */
final class ApiJsonReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiJsonReader() {
    }

    static ApiFile read(Path path) {
        JsonNode root;
        try {
            root = JSON.readTree(path.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        return parse(path.getFileName().toString(), root);
    }

    static ApiFile parse(String fileName, JsonNode root) {
        List<ApiMessage> messages = new ArrayList<>();
        for (JsonNode message : array(root, "messages")) {
            messages.add(message(fileName, message));
        }
        List<ApiDefinition> definitions = new ArrayList<>();
        for (JsonNode type : array(root, "types")) {
            definitions.add(new ApiDefinition.Struct(type.get(0).asText(), fields(fileName, type), comment(type)));
        }
        for (JsonNode union : array(root, "unions")) {
            definitions.add(new ApiDefinition.Union(union.get(0).asText(), fields(fileName, union)));
        }
        for (JsonNode enumeration : array(root, "enums")) {
            definitions.add(enumeration(fileName, enumeration, false));
        }
        for (JsonNode enumeration : array(root, "enumflags")) {
            definitions.add(enumeration(fileName, enumeration, true));
        }
        JsonNode aliases = root.path("aliases");
        for (Iterator<Map.Entry<String, JsonNode>> it = aliases.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> alias = it.next();
            JsonNode type = alias.getValue().get("type");
            if (type == null) {
                throw new ApiFormatException(fileName + ": alias " + alias.getKey() + " has no type: " + alias.getValue());
            }
            definitions.add(new ApiDefinition.Alias(alias.getKey(), type.asText(),
                    alias.getValue().path("length").asInt(-1)));
        }
        List<ApiService> services = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("services").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            JsonNode body = service.getValue();
            List<String> events = new ArrayList<>();
            body.path("events").forEach(event -> events.add(event.asText()));
            services.add(new ApiService(service.getKey(), body.path("reply").asText("null"),
                    body.path("stream").asBoolean(false),
                    Optional.ofNullable(body.get("stream_msg")).map(JsonNode::asText), events));
        }
        return new ApiFile(fileName, messages, definitions, services);
    }

    private static ApiMessage message(String fileName, JsonNode message) {
        String name = message.get(0).asText();
        JsonNode options = message.get(message.size() - 1);
        String crc = options.path("crc").asText("");
        if (!crc.matches("0x[0-9a-fA-F]{1,8}")) {
            throw new ApiFormatException(fileName + ": message " + name + " has no crc (\"crc\": \"0x...\"): " + options);
        }
        String hex = crc.substring(2).toLowerCase(java.util.Locale.ROOT);
        return new ApiMessage(name, fields(fileName, message), "0".repeat(8 - hex.length()) + hex, fileName,
                comment(message));
    }

    private static ApiDefinition.Enum enumeration(String fileName, JsonNode node, boolean flags) {
        String name = node.get(0).asText();
        Map<String, Long> values = new LinkedHashMap<>();
        String enumType = "u32";
        for (int i = 1; i < node.size(); i++) {
            JsonNode element = node.get(i);
            if (element.isObject()) {
                enumType = element.path("enumtype").asText(enumType);
            } else if (element.isArray() && element.size() == 2 && element.get(1).canConvertToLong()) {
                values.put(element.get(0).asText(), element.get(1).asLong());
            } else {
                throw new ApiFormatException(fileName + ": enum " + name + " has an element that is not"
                        + " [NAME, value]: " + element);
            }
        }
        return new ApiDefinition.Enum(name, enumType, flags, values);
    }

    private static List<ApiField> fields(String fileName, JsonNode owner) {
        List<ApiField> fields = new ArrayList<>();
        for (int i = 1; i < owner.size(); i++) {
            JsonNode element = owner.get(i);
            if (element.isArray()) {
                fields.add(field(fileName, owner.get(0).asText(), element));
            }
        }
        return fields;
    }

    private static ApiField field(String fileName, String owner, JsonNode field) {
        if (field.size() < 2 || !field.get(0).isTextual() || !field.get(1).isTextual()) {
            throw new ApiFormatException(fileName + ": " + owner + " has a field that is not [type, name, ...]: " + field);
        }
        int length = -1;
        Optional<String> countField = Optional.empty();
        Optional<Object> defaultValue = Optional.empty();
        for (int i = 2; i < field.size(); i++) {
            JsonNode extra = field.get(i);
            if (extra.isInt() && i == 2) {
                length = extra.asInt();
            } else if (extra.isTextual() && i == 3 && length == 0) {
                countField = Optional.of(extra.asText());
            } else if (extra.isObject()) {
                JsonNode value = extra.get("default");
                if (value != null) {
                    defaultValue = Optional.of(value.isNumber() ? value.numberValue()
                            : value.isBoolean() ? value.booleanValue() : value.asText());
                }
            } else {
                throw new ApiFormatException(fileName + ": " + owner + "." + field.get(1).asText()
                        + " has an element this generator does not know: " + extra + " in " + field);
            }
        }
        return new ApiField(field.get(0).asText(), field.get(1).asText(), length, countField, defaultValue);
    }

    private static Optional<String> comment(JsonNode owner) {
        JsonNode last = owner.get(owner.size() - 1);
        return last.isObject() && last.hasNonNull("comment") ? Optional.of(last.get("comment").asText())
                : Optional.empty();
    }

    private static Iterable<JsonNode> array(JsonNode root, String name) {
        JsonNode node = root.path(name);
        return node.isArray() ? node : List.of();
    }
}
