package dev.booster.engine.dataplane;

import dev.booster.api.net.MacAddress;
import dev.booster.engine.packet.Port;

/**
 * What a backend made for one pod interface: the engine's {@link Port} and the host resources behind it (a veth and
 * its AF_XDP socket, a memif, in-memory queues). Closing it removes them; it is called once, by the dataplane.
 */
public interface PodPort extends AutoCloseable {

    Port port();

    /** The host-side name (device, socket path) shown in counters and attachments. */
    String hostName();

    /** The pod side's MAC. */
    MacAddress podMac();

    @Override
    void close();
}
