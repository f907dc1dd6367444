package dev.booster.vpp.api.codec;

import dev.booster.vpp.binapi.VppBinapi;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every message and type generated into {@code dev.booster.vpp.binapi} round-trips with arbitrary values. */
class GeneratedBinapiRoundTripTest {

    /** Each try builds one arbitrary value of every message and type; shrinking a seed would teach nothing. */
    @Property(tries = 40, shrinking = ShrinkingMode.OFF)
    void everyGeneratedMessageAndTypeRoundTrips(@ForAll long seed) {
        List<String> failures = GeneratedCodecRoundTrip.check(seed, VppBinapi.messages(), VppBinapi.structs(),
                VppBinapi.unions(), VppBinapi.enums());
        assertEquals(List.of(), failures.stream().limit(5).toList(),
                () -> failures.size() + " failures with seed " + seed + ", the first 5 shown");
    }

    @Test
    void theRegistryHoldsEveryMessageOfTheGeneratedFiles() {
        assertTrue(VppBinapi.messages().size() > 400, "messages: " + VppBinapi.messages().size());
        assertTrue(VppBinapi.messages().stream().anyMatch(t -> t.nameWithCrc().equals("sw_interface_dump_aa610c27")));
        assertTrue(VppBinapi.enums().stream().anyMatch(t -> t.size() == VppWireType.Scalar.U8));
        assertTrue(VppBinapi.unions().stream().anyMatch(t -> t.name().equals("address_union") && t.size() == 16));
    }
}
