package dev.booster.vpp.codegen;

import java.util.List;
import java.util.Optional;

/** A message: its fields (header ones included, as in the JSON), the CRC without {@code 0x}, and where it was read. */
record ApiMessage(String name, List<ApiField> fields, String crc, String file, Optional<String> comment) {
    ApiMessage {
        fields = List.copyOf(fields);
    }

    String nameWithCrc() {
        return name + "_" + crc;
    }
}
