package dev.booster.vpp.api.codec;

import java.util.List;
import java.util.Objects;

/**
 * A VPP {@code typedef} (or an alias of an array, such as {@code ip4_address}, seen as a struct of one field
 * {@code value}) and the codec of its generated record.
 */
public record VppStructType<T>(String name, Class<T> javaClass, List<VppField> fields, VppEncoder<T> encoder,
                               VppDecoder<T> decoder) {

    public VppStructType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(javaClass, "javaClass");
        fields = List.copyOf(fields);
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
    }

    /** The value whose wire form is all zeros (empty arrays and strings), with no defaults applied. */
    public T zero() {
        return decoder.decode(VppReader.zeros());
    }
}
