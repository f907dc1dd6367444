package dev.booster.engine.state;

/** The one place the current {@link ForwardingState} is published: one volatile write, one volatile read per vector. */
public final class StateHolder {
    private volatile ForwardingState current;

    public StateHolder(ForwardingState initial) {
        this.current = initial;
    }

    public ForwardingState get() {
        return current;
    }

    public void publish(ForwardingState next) {
        current = next;
    }
}
