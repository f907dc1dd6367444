package dev.booster.api.tunnel;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How node-to-node traffic is protected. */
public enum Protection {
    @JsonProperty("none") NONE(0),
    /** ESP tunnel mode with AES-GCM-16 and a 128-bit key (RFC 4106). */
    @JsonProperty("ipsec-esp-aes-gcm-128") IPSEC_ESP_AES_GCM_128(16),
    /** ESP tunnel mode with AES-GCM-16 and a 256-bit key (RFC 4106). */
    @JsonProperty("ipsec-esp-aes-gcm-256") IPSEC_ESP_AES_GCM_256(32),
    /** WireGuard (Curve25519 keys). */
    @JsonProperty("wireguard") WIREGUARD(32);

    private final int keyBytes;

    Protection(int keyBytes) {
        this.keyBytes = keyBytes;
    }

    /** The size of static key material (for IPsec AES-GCM, the key without the 4-byte salt). */
    public int keyBytes() {
        return keyBytes;
    }
}
