package dev.booster.testkit;

import dev.booster.api.Dataplane;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.policy.PolicySet;
import dev.booster.engine.dataplane.EventBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Events of {@link dev.booster.engine.dataplane.EngineDataplane}, on the memory provider. */
class EngineDataplaneEventsTest {
    private final Dataplane dp = TestPods.openMemory();

    @AfterEach
    void close() {
        dp.close();
    }

    @Test
    void aSubscriberHearsOfPodsAndPolicies() {
        EventLog events = new EventLog();
        dp.subscribe(events);

        PodAttachment a = dp.pods().attach(TestPods.pod("ns", "a", "10.0.0.1"));
        dp.policies().apply(PolicySet.EMPTY);
        a.detach();

        assertEquals("ns/a", events.await(DataplaneEvent.PodAttached.class, e -> true).podUid());
        assertEquals(1, events.await(DataplaneEvent.PolicyApplied.class, e -> true).generation());
        assertEquals("ns/a", events.await(DataplaneEvent.PodDetached.class, e -> true).podUid());
    }

    @Test
    void aThrowingSubscriberBreaksNeitherTheDataplaneNorOtherSubscribers() {
        Logger busLog = Logger.getLogger(EventBus.class.getName());
        Level level = busLog.getLevel();
        busLog.setLevel(Level.OFF); // the bus logs each failure with its stack trace; expected here
        try {
            AtomicInteger thrown = new AtomicInteger();
            dp.subscribe(e -> {
                thrown.incrementAndGet();
                throw new IllegalStateException("listener bug");
            });
            EventLog events = new EventLog();
            dp.subscribe(events);

            PodAttachment a = dp.pods().attach(TestPods.pod("ns", "a", "10.0.0.1"));
            dp.pods().attach(TestPods.pod("ns", "b", "10.0.0.2"));

            events.await(DataplaneEvent.PodAttached.class, e -> e.podUid().equals("ns/a"));
            events.await(DataplaneEvent.PodAttached.class, e -> e.podUid().equals("ns/b"));
            assertTrue(thrown.get() >= 2, "the throwing listener was called for each event");
            assertTrue(new MemoryPodNetwork(dp).ping(a, IpAddress.parse("10.0.0.2")), "traffic still flows");
            assertEquals(1, dp.policies().apply(PolicySet.EMPTY));
            events.await(DataplaneEvent.PolicyApplied.class, e -> e.generation() == 1);
        } finally {
            busLog.setLevel(level);
        }
    }

    @Test
    void closingASubscriptionStopsDelivery() {
        EventLog stopped = new EventLog();
        EventLog staying = new EventLog();
        Dataplane.Subscription subscription = dp.subscribe(stopped);
        dp.subscribe(staying);
        dp.pods().attach(TestPods.pod("ns", "a", "10.0.0.1"));
        stopped.await(DataplaneEvent.PodAttached.class, e -> e.podUid().equals("ns/a"));

        subscription.close();
        dp.pods().attach(TestPods.pod("ns", "b", "10.0.0.2"));

        // One thread delivers in order, so once the staying listener has b's event the closed one would have had it.
        staying.await(DataplaneEvent.PodAttached.class, e -> e.podUid().equals("ns/b"));
        stopped.assertNone(DataplaneEvent.PodAttached.class, e -> e.podUid().equals("ns/b"));
    }
}
