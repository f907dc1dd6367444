package dev.booster.agent.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for something the agent does on its own threads (informers, reconciler) to become true. */
public final class Eventually {
    private Eventually() {
    }

    /** Polls {@code condition} every 20 ms until it holds; fails with {@code state} (what was seen instead) after {@code timeout}. */
    public static void await(Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + timeout.toMillis() + " ms; " + state.get());
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    public static void await(BooleanSupplier condition, Supplier<String> state) {
        await(Duration.ofSeconds(15), condition, state);
    }
}
