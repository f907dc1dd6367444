package dev.booster.ike;

/** Completes the futures of {@link IkeDaemon} that failed; {@link #failure()} says why. */
public final class IkeException extends RuntimeException {
    private final IkeFailure failure;

    public IkeException(IkeFailure failure) {
        super(failure.toString());
        this.failure = failure;
    }

    public IkeFailure failure() {
        return failure;
    }
}
