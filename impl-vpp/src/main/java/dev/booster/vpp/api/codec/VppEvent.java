package dev.booster.vpp.api.codec;

/** A message VPP sends on its own after a {@code want_*} registration (it has no context). */
public interface VppEvent extends VppMessage {
}
