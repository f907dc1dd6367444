package dev.booster.vpp.codegen;

import java.util.List;

/** One {@code .api.json}: its messages, the types it defines or imports (VPP inlines imported ones) and services. */
record ApiFile(String fileName, List<ApiMessage> messages, List<ApiDefinition> definitions,
               List<ApiService> services) {
    ApiFile {
        messages = List.copyOf(messages);
        definitions = List.copyOf(definitions);
        services = List.copyOf(services);
    }
}
