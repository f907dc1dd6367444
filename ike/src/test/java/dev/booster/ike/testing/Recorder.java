package dev.booster.ike.testing;

import dev.booster.ike.ChildSa;
import dev.booster.ike.ChildSaListener;
import dev.booster.ike.IkeEventListener;
import dev.booster.ike.IkeFailure;
import dev.booster.ike.IkeSaInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Records what an IKE daemon tells its listeners, in order, and models the dataplane's SA tables: which inbound SAs
 * decrypt and which outbound SA encrypts per reqid. Thread-safe: the daemon calls it from its own thread.
 */
public final class Recorder implements ChildSaListener, IkeEventListener {
    public sealed interface Event {
    }

    public record Installed(ChildSa in, ChildSa out) implements Event {
    }

    public record InboundAdded(ChildSa in) implements Event {
    }

    public record OutboundSwitched(ChildSa oldOut, ChildSa newOut) implements Event {
    }

    public record Deleted(ChildSa in, ChildSa out) implements Event {
    }

    public record Established(IkeSaInfo sa) implements Event {
    }

    public record IkeRekeyed(IkeSaInfo old, IkeSaInfo replacement) implements Event {
    }

    public record Closed(IkeSaInfo sa, IkeFailure why) implements Event {
    }

    public record Failed(IkeFailure failure) implements Event {
    }

    private final List<Event> events = new ArrayList<>();
    private final List<ChildSa> inbound = new ArrayList<>();
    private final List<ChildSa> outbound = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();

    @Override
    public synchronized void installed(ChildSa in, ChildSa out) {
        events.add(new Installed(in, out));
        inbound.add(in);
        if (outbound.stream().anyMatch(o -> o.reqid() == out.reqid())) violations.add("second outbound SA for reqid " + out.reqid());
        outbound.add(out);
    }

    @Override
    public synchronized void inboundAdded(ChildSa newIn) {
        events.add(new InboundAdded(newIn));
        inbound.add(newIn);
    }

    @Override
    public synchronized void outboundSwitched(ChildSa oldOut, ChildSa newOut) {
        events.add(new OutboundSwitched(oldOut, newOut));
        if (!outbound.remove(oldOut)) violations.add("switched from an outbound SA not installed: " + oldOut);
        if (inbound.stream().filter(in -> in.reqid() == newOut.reqid()).count() < 2) {
            violations.add("switched outbound before the new inbound SA of reqid " + newOut.reqid() + " was added");
        }
        outbound.add(newOut);
    }

    @Override
    public synchronized void deleted(ChildSa in, ChildSa out) {
        events.add(new Deleted(in, out));
        if (!inbound.remove(in)) violations.add("deleted an inbound SA not installed: " + in);
        outbound.remove(out);
    }

    @Override
    public synchronized void established(IkeSaInfo sa) {
        events.add(new Established(sa));
    }

    @Override
    public synchronized void ikeSaRekeyed(IkeSaInfo old, IkeSaInfo replacement) {
        events.add(new IkeRekeyed(old, replacement));
    }

    @Override
    public synchronized void closed(IkeSaInfo sa, IkeFailure why) {
        events.add(new Closed(sa, why));
    }

    @Override
    public synchronized void failed(IkeFailure failure) {
        events.add(new Failed(failure));
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    public synchronized <T extends Event> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public synchronized List<ChildSa> inbound() {
        return List.copyOf(inbound);
    }

    public synchronized List<ChildSa> outbound() {
        return List.copyOf(outbound);
    }

    /** Broken make-before-break rules, e.g. an outbound switch before the matching inbound SA existed. */
    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    public <T extends Event> T await(Class<T> type, Predicate<T> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (this) {
                for (Event event : events) {
                    if (type.isInstance(event) && matching.test(type.cast(event))) return type.cast(event);
                }
            }
            if (System.nanoTime() > deadline) throw new AssertionError("no " + type.getSimpleName() + " within " + timeout + "; events: " + events());
            sleep();
        }
    }

    public <T extends Event> T await(Class<T> type, Duration timeout) {
        return await(type, e -> true, timeout);
    }

    public static void awaitTrue(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError(what + " did not happen within " + timeout);
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
