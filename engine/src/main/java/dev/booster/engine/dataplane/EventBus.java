package dev.booster.engine.dataplane;

import dev.booster.api.Dataplane;
import dev.booster.api.event.DataplaneEvent;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Delivers dataplane events to listeners on one daemon thread of its own, so a slow or throwing listener never
 * blocks the control plane. The queue is bounded: when listeners fall that far behind, events are dropped and
 * counted rather than buffered without limit.
 */
public final class EventBus implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventBus.class.getName());

    private final CopyOnWriteArrayList<Consumer<? super DataplaneEvent>> listeners = new CopyOnWriteArrayList<>();
    private final BlockingQueue<DataplaneEvent> queue = new ArrayBlockingQueue<>(4096);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    public EventBus(String name) {
        thread = Thread.ofPlatform().daemon().name(name + "-events").unstarted(this::run);
        thread.start();
    }

    public Dataplane.Subscription subscribe(Consumer<? super DataplaneEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Queues {@code event} for delivery; never blocks. */
    public void publish(DataplaneEvent event) {
        if (closed || listeners.isEmpty()) return;
        if (!queue.offer(event)) dropped.incrementAndGet();
    }

    /** Events lost because listeners were too slow. */
    public long dropped() {
        return dropped.get();
    }

    private void run() {
        while (!closed || !queue.isEmpty()) {
            DataplaneEvent event;
            try {
                event = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                if (closed) break;
                continue;
            }
            if (event == null) continue;
            for (Consumer<? super DataplaneEvent> l : listeners) {
                try {
                    l.accept(event);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "event listener failed on " + event, e);
                }
            }
        }
    }

    /** Delivers what is queued, then stops the thread. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
