package dev.booster.cni;

/** Carries a {@link CniError} out of the code that found the problem; {@link BoosterCni} turns it into the response. */
public class CniException extends RuntimeException {
    private final transient CniError error;

    public CniException(CniError error) {
        super(error.toString());
        this.error = error;
    }

    public CniException(int code, String msg, String details) {
        this(new CniError(null, code, msg, details));
    }

    public CniException(String cniVersion, int code, String msg, String details) {
        this(new CniError(cniVersion, code, msg, details));
    }

    public CniError error() {
        return error;
    }
}
