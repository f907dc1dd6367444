package dev.booster.vpp.api;

import dev.booster.vpp.api.codec.VppMessage;

/** VPP refused a request: its reply's {@code retval} is not 0. The reply is kept for its other fields. */
public final class VppRetvalException extends VppApiException {

    private final String request;
    private final int retval;
    private final transient VppMessage reply;

    public VppRetvalException(String request, int retval, VppMessage reply) {
        super(request + " failed in VPP: retval " + retval + " (" + VppErrors.describe(retval) + ")");
        this.request = request;
        this.retval = retval;
        this.reply = reply;
    }

    /** The request's message name, e.g. {@code tap_create_v3}. */
    public String request() {
        return request;
    }

    public int retval() {
        return retval;
    }

    public VppMessage reply() {
        return reply;
    }
}
