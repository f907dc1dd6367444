package dev.booster.vpp.api;

import dev.booster.vpp.api.codec.VppMessageType;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The running VPP's numbering of messages, from the {@code sockclnt_create} handshake: {@code name_crc} → id. Ids
 * depend on which plugins VPP loaded, so they are only known per connection; the CRC says whether VPP's layout of a
 * message is the one Booster was generated from.
 */
public final class MessageTable {

    private final Map<String, Integer> idsByNameWithCrc;
    private final Map<Integer, String> namesWithCrcById;
    private final Map<String, String> crcsByName;

    public MessageTable(Map<String, Integer> idsByNameWithCrc) {
        this.idsByNameWithCrc = Map.copyOf(idsByNameWithCrc);
        Map<Integer, String> byId = new HashMap<>();
        Map<String, String> crcs = new HashMap<>();
        idsByNameWithCrc.forEach((nameWithCrc, id) -> {
            byId.put(id, nameWithCrc);
            int split = nameWithCrc.lastIndexOf('_');
            if (split > 0) {
                crcs.put(nameWithCrc.substring(0, split), nameWithCrc.substring(split + 1));
            }
        });
        this.namesWithCrcById = Collections.unmodifiableMap(byId);
        this.crcsByName = Collections.unmodifiableMap(crcs);
    }

    public int size() {
        return idsByNameWithCrc.size();
    }

    /** VPP's id of exactly this message (same name and CRC). */
    public OptionalInt idOf(VppMessageType<?> type) {
        Integer id = idsByNameWithCrc.get(type.nameWithCrc());
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** {@code name_crc} of VPP's message {@code id}. */
    public Optional<String> nameWithCrcOf(int id) {
        return Optional.ofNullable(namesWithCrcById.get(id));
    }

    /** The CRC VPP has for a message name, whatever Booster's is. */
    public Optional<String> crcOf(String messageName) {
        return Optional.ofNullable(crcsByName.get(messageName));
    }

    public Map<String, Integer> idsByNameWithCrc() {
        return idsByNameWithCrc;
    }
}
