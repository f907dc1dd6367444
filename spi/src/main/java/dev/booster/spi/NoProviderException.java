package dev.booster.spi;

import dev.booster.api.DataplaneException;

/** No discovered provider can serve the request; the message lists every provider and why it did not fit. */
public class NoProviderException extends DataplaneException {
    public NoProviderException(String message) {
        super(message);
    }

    /** {@code cause}: what the provider's probe saw, when one provider was asked for by name. */
    public NoProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
