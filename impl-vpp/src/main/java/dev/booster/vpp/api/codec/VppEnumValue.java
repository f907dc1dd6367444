package dev.booster.vpp.api.codec;

/**
 * A generated enum or enumflags record. VPP enums are open: a newer VPP may send a value this build does not name,
 * so the records wrap the number rather than being Java enums, and name the known ones as constants.
 */
public interface VppEnumValue {
    long value();
}
