package dev.booster.vpp.api;

/** An event listener's registration; closing it stops the deliveries. */
public interface VppSubscription extends AutoCloseable {
    @Override
    void close();
}
