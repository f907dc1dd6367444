package dev.booster.vpp.api.codec;

/** A generated message record. Header fields ({@code _vl_msg_id}, {@code client_index}, {@code context}) are not components. */
public interface VppMessage {
    VppMessageType<?> messageType();
}
