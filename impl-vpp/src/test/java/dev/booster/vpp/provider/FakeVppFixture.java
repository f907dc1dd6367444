package dev.booster.vpp.provider;

import dev.booster.api.event.DataplaneEvent;
import dev.booster.vpp.api.FakeVppServer;
import dev.booster.vpp.api.VppApiClient;
import dev.booster.vpp.api.VppClientOptions;

import dev.booster.vpp.binapi.WantInterfaceEvents;

import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link VppDataplane} on a {@link FakeVppServer}, with recorded host links and events; close it after the test. */
final class FakeVppFixture implements AutoCloseable {

    final FakeVppServer vpp;
    final RecordingHostLinks host = new RecordingHostLinks();
    final VppDataplane dataplane;
    final LinkedBlockingQueue<DataplaneEvent> events = new LinkedBlockingQueue<>();

    FakeVppFixture(Path directory) {
        this(directory, type -> true);
    }

    /** On a VPP whose table has only the messages {@code offered} accepts. */
    FakeVppFixture(Path directory, java.util.function.Predicate<dev.booster.vpp.api.codec.VppMessageType<?>> offered) {
        this(directory, offered, java.util.Optional.empty());
    }

    /** With the uplink tunnels need. */
    FakeVppFixture(Path directory, VppUplink uplink) {
        this(directory, type -> true, java.util.Optional.of(uplink));
    }

    private FakeVppFixture(Path directory, java.util.function.Predicate<dev.booster.vpp.api.codec.VppMessageType<?>> offered,
                           java.util.Optional<VppUplink> uplink) {
        vpp = FakeVppServer.start(directory, offered);
        VppClientOptions options = VppClientOptions.builder().socket(vpp.socket()).requestTimeout(Duration.ofSeconds(5))
                .require(VppDataplane.MESSAGES).build();
        dataplane = new VppDataplane(VppApiClient.connect(options), () -> VppApiClient.connect(options),
                new VppDataplane.Backoff(Duration.ofMillis(10), Duration.ofMillis(50)), host, uplink);
        dataplane.subscribe(events::add);
        if (!vpp.requests().equals(List.of(WATCH_INTERFACES))) {
            throw new AssertionError("the dataplane's first request is not want_interface_events: " + vpp.requests());
        }
        vpp.clearRequests();
    }

    /** What the dataplane asks first of every VPP it connects to. */
    static final WantInterfaceEvents WATCH_INTERFACES = new WantInterfaceEvents(1, ProcessHandle.current().pid());

    /** The next event of {@code type}, skipping others; fails after 5 seconds. */
    <E extends DataplaneEvent> E awaitEvent(Class<E> type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            DataplaneEvent event = events.poll(50, TimeUnit.MILLISECONDS);
            if (type.isInstance(event)) return type.cast(event);
        }
        throw new AssertionError("no " + type.getSimpleName() + " within 5 s");
    }

    @Override
    public void close() throws Exception {
        dataplane.close();
        vpp.close();
        if (!vpp.problems().isEmpty()) throw new AssertionError("the fake VPP could not serve: " + vpp.problems());
    }
}
