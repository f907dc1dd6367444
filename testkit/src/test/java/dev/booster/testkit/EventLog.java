package dev.booster.testkit;

import dev.booster.api.event.DataplaneEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A subscriber that keeps what it was given, for tests to wait on (events arrive on the dataplane's own thread). */
final class EventLog implements Consumer<DataplaneEvent> {
    private static final long WAIT_MILLIS = 5_000;

    private final LinkedBlockingQueue<DataplaneEvent> arrived = new LinkedBlockingQueue<>();
    private final List<DataplaneEvent> seen = new ArrayList<>();

    @Override
    public void accept(DataplaneEvent event) {
        arrived.add(event);
    }

    /** The first event of {@code type} matching {@code wanted}, waiting for it; fails after a few seconds. */
    <E extends DataplaneEvent> E await(Class<E> type, Predicate<? super E> wanted) {
        for (DataplaneEvent e : seen) if (type.isInstance(e) && wanted.test(type.cast(e))) return consume(type.cast(e));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        try {
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                DataplaneEvent e = arrived.poll(left, TimeUnit.NANOSECONDS);
                if (e == null) break;
                if (type.isInstance(e) && wanted.test(type.cast(e))) return type.cast(e);
                seen.add(e);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("no " + type.getSimpleName() + " as wanted within " + WAIT_MILLIS + " ms; got " + seen);
    }

    /** Fails if an event of {@code type} matching {@code unwanted} has arrived so far (without waiting). */
    <E extends DataplaneEvent> void assertNone(Class<E> type, Predicate<? super E> unwanted) {
        arrived.drainTo(seen);
        for (DataplaneEvent e : seen) {
            if (type.isInstance(e) && unwanted.test(type.cast(e))) throw new AssertionError("unexpected " + e);
        }
    }

    private <E extends DataplaneEvent> E consume(E event) {
        seen.remove(event);
        return event;
    }
}
