package dev.booster.engine;

import dev.booster.engine.state.ForwardingState;

import java.util.concurrent.locks.LockSupport;

/**
 * How the engine's worker thread waits when its ports had nothing to receive. The engine itself only spins and parks;
 * a backend whose ports have descriptors (AF_XDP sockets) can block in {@code poll(2)} on them instead, so an idle
 * dataplane costs almost no CPU.
 *
 * <p>Contract: {@link #idle} runs on the worker thread only, between two vectors; it may block, but must return soon
 * after {@link #wakeup()} (any thread) and within a bounded time anyway, because conntrack expiry runs between vectors.
 * It must not touch a port of a state older than {@code state}: ports removed before that state was published may
 * already be closed.
 */
public interface IdleStrategy {

    /**
     * Called after a vector that received nothing.
     *
     * @param idleRounds how many vectors in a row received nothing (1, 2, ...); a busy vector starts the count again
     * @param state      the state the worker read before that vector (or a newer one)
     */
    void idle(int idleRounds, ForwardingState state);

    /** The control plane published a new state: a blocked {@link #idle} should return. Called from any thread. */
    void wakeup();

    /** Releases what the strategy holds (descriptors); called after the worker stopped. */
    default void close() {
    }

    /** Spins {@code spins} rounds, then parks {@code parkNanos} per round: the engine's default (64 spins, 50 µs). */
    static IdleStrategy spinThenPark(int spins, long parkNanos) {
        if (spins < 0 || parkNanos <= 0) throw new IllegalArgumentException("spins must be >= 0 and parkNanos > 0");
        return new IdleStrategy() {
            @Override
            public void idle(int idleRounds, ForwardingState state) {
                if (idleRounds > spins) {
                    LockSupport.parkNanos(parkNanos);
                } else {
                    Thread.onSpinWait();
                }
            }

            @Override
            public void wakeup() {
                // A park is at most parkNanos long: waking it would cost the control thread more than it saves.
            }
        };
    }
}
