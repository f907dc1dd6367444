package dev.booster.spi;

import java.util.Objects;
import java.util.Optional;

/** The result of {@link DataplaneProvider#probe()}: available, or why not, with the cause that was seen. */
public sealed interface Availability {

    Availability AVAILABLE = new Available();

    static Availability available() {
        return AVAILABLE;
    }

    /** Not available; {@code reason} says what is missing and how to get it (e.g. "libxdp missing: apt-get install libxdp1"). */
    static Availability unavailable(String reason) {
        return new Unavailable(reason, Optional.empty());
    }

    static Availability unavailable(String reason, Throwable cause) {
        return new Unavailable(reason, Optional.of(cause));
    }

    boolean isAvailable();

    record Available() implements Availability {
        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public String toString() {
            return "available";
        }
    }

    record Unavailable(String reason, Optional<Throwable> cause) implements Availability {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(cause, "cause");
        }

        @Override
        public boolean isAvailable() {
            return false;
        }

        @Override
        public String toString() {
            return "unavailable: " + reason + cause.map(c -> " (" + c + ")").orElse("");
        }
    }
}
