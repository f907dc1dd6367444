package dev.booster.vpp.codegen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The messages, types and services of a set of {@code .api.json} files, merged. VPP copies every imported type into
 * each file that imports it, so a type appears many times: all copies must be the same.
 */
final class ApiDefinitions {

    private final List<String> files;
    private final Map<String, ApiDefinition> types = new TreeMap<>();
    private final Map<String, String> typeFiles = new TreeMap<>();
    private final Map<String, ApiMessage> messages = new TreeMap<>();
    private final Map<String, ApiService> services = new TreeMap<>();

    private ApiDefinitions(List<ApiFile> apiFiles) {
        this(apiFiles, null);
    }

    private ApiDefinitions(List<ApiFile> apiFiles, List<String> fileNames) {
        List<String> names = new ArrayList<>();
        for (ApiFile file : apiFiles) {
            names.add(file.fileName());
            for (ApiDefinition definition : file.definitions()) {
                ApiDefinition earlier = types.putIfAbsent(definition.name(), definition);
                if (earlier == null) {
                    typeFiles.put(definition.name(), file.fileName());
                } else if (!earlier.equals(definition)) {
                    throw new ApiFormatException("type " + definition.name() + " differs between "
                            + typeFiles.get(definition.name()) + " and " + file.fileName());
                }
            }
            for (ApiMessage message : file.messages()) {
                ApiMessage earlier = messages.putIfAbsent(message.name(), message);
                if (earlier != null) {
                    throw new ApiFormatException("message " + message.name() + " is in both " + earlier.file()
                            + " and " + file.fileName());
                }
            }
            for (ApiService service : file.services()) {
                services.putIfAbsent(service.request(), service);
            }
        }
        this.files = List.copyOf(fileNames == null ? names : fileNames);
    }

    static ApiDefinitions of(List<ApiFile> files) {
        return new ApiDefinitions(files);
    }

    /**
     * Only the given definitions ({@code "message NAME"}, {@code "type NAME"}) and what they need: the types their
     * fields use, transitively, and the messages VPP answers a request with.
     */
    ApiDefinitions restrictTo(java.util.Collection<String> definitions) {
        ApiDefinitions restricted = new ApiDefinitions(List.of(), files);
        java.util.Deque<String> work = new java.util.ArrayDeque<>(definitions);
        while (!work.isEmpty()) {
            String key = work.pop();
            if (key.startsWith("message ")) {
                String name = key.substring("message ".length());
                ApiMessage message = messages.get(name);
                if (message == null) {
                    throw new ApiFormatException("no message " + name + " in " + files);
                }
                if (restricted.messages.putIfAbsent(name, message) != null) {
                    continue;
                }
                message.fields().forEach(field -> typeReference(field.type(), work));
                ApiService service = services.get(name);
                if (service != null) {
                    restricted.services.put(name, service);
                    if (service.hasReply()) {
                        work.push("message " + service.reply());
                    }
                    service.streamMessage().ifPresent(details -> work.push("message " + details));
                    service.events().forEach(event -> work.push("message " + event));
                }
            } else if (key.startsWith("type ")) {
                String name = key.substring("type ".length());
                ApiDefinition type = types.get(name);
                if (type == null) {
                    throw new ApiFormatException("no type " + name + " in " + files);
                }
                if (restricted.types.putIfAbsent(name, type) != null) {
                    continue;
                }
                restricted.typeFiles.put(name, typeFiles.get(name));
                switch (type) {
                    case ApiDefinition.Struct struct -> struct.fields().forEach(f -> typeReference(f.type(), work));
                    case ApiDefinition.Union union -> union.members().forEach(f -> typeReference(f.type(), work));
                    case ApiDefinition.Alias alias -> typeReference(alias.type(), work);
                    case ApiDefinition.Enum _ -> {
                    }
                }
            } else {
                throw new IllegalArgumentException("definitions are 'message NAME' or 'type NAME', not '" + key + "'");
            }
        }
        return restricted;
    }

    private static void typeReference(String typeName, java.util.Deque<String> work) {
        if (ScalarKind.fromApiName(typeName).isEmpty() && !typeName.equals("string")) {
            work.push("type " + WireResolver.definitionName(typeName));
        }
    }

    /**
     * Reads {@code fileNames} from {@code directory}; the single name {@code all} means every {@code *.api.json}
     * there. A name may omit {@code .api.json}.
     */
    static ApiDefinitions read(Path directory, List<String> fileNames) {
        List<Path> paths = new ArrayList<>();
        if (fileNames.equals(List.of("all"))) {
            try (Stream<Path> list = Files.list(directory)) {
                list.filter(p -> p.getFileName().toString().endsWith(".api.json")).sorted().forEach(paths::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + directory, e);
            }
            if (paths.isEmpty()) {
                throw new ApiFormatException("no *.api.json in " + directory);
            }
        } else {
            for (String name : fileNames) {
                Path path = directory.resolve(name.endsWith(".api.json") ? name : name + ".api.json");
                if (!Files.isRegularFile(path)) {
                    throw new ApiFormatException("no API file " + path + " (names are like interface.api.json or"
                            + " interface; 'all' takes every file)");
                }
                paths.add(path);
            }
        }
        return new ApiDefinitions(paths.stream().map(ApiJsonReader::read).toList());
    }

    List<String> files() {
        return files;
    }

    Map<String, ApiDefinition> types() {
        return Collections.unmodifiableMap(types);
    }

    Map<String, ApiMessage> messages() {
        return Collections.unmodifiableMap(messages);
    }

    Map<String, ApiService> services() {
        return Collections.unmodifiableMap(services);
    }
}
