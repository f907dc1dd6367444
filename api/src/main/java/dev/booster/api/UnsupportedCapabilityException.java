package dev.booster.api;

/** The dataplane was asked for something its backend cannot do. */
public class UnsupportedCapabilityException extends UnsupportedOperationException {
    private final Capability capability;
    private final String provider;

    public UnsupportedCapabilityException(String provider, Capability capability) {
        this(provider, capability, null);
    }

    public UnsupportedCapabilityException(String provider, Capability capability, String detail) {
        super("provider '" + provider + "' does not support " + capability
                + (detail == null ? "" : ": " + detail)
                + "; choose a provider that lists " + capability + " in its capabilities (see `booster providers`)");
        this.provider = provider;
        this.capability = capability;
    }

    public Capability capability() {
        return capability;
    }

    public String provider() {
        return provider;
    }
}
