package dev.booster.vpp.api.codec;

/** A reply with VPP's {@code i32 retval}: 0 on success, a negative {@code vnet_api_error_t} otherwise. */
public interface VppRetval {
    int retval();
}
