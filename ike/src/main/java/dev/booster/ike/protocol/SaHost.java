package dev.booster.ike.protocol;

import dev.booster.ike.ChildSaListener;
import dev.booster.ike.IkeEventListener;
import dev.booster.ike.IkeSettings;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * What an {@link IkeSa} needs from the daemon that runs it: the socket, timers, identifiers unique across SAs, the
 * SA table and the listeners. Everything is called on the daemon's one thread.
 */
public interface SaHost {

    /** Sends from the IKE socket, or with {@code natT} from the NAT-T socket behind a non-ESP marker (RFC 3948 §2.2). */
    void send(byte[] datagram, InetSocketAddress to, boolean natT);

    /** Our address and port as the peer sees them when nothing translates: of the NAT-T socket with {@code natT}. */
    InetSocketAddress localAddress(dev.booster.ike.PeerConfig peer, boolean natT);

    /** Whether there is a NAT-T socket to float to. */
    boolean hasNatT();

    /** Runs {@code task} on the daemon thread after {@code delay}, unless cancelled first. */
    Cancellable schedule(Duration delay, Runnable task);

    long nanoTime();

    SecureRandom random();

    IkeSettings settings();

    ChildSaListener childSaListener();

    IkeEventListener eventListener();

    /** A fresh non-zero IKE SPI not used by any SA here. */
    long newIkeSpi();

    /** A fresh inbound ESP SPI (at least 256, RFC 4303 §2.1) not used by any Child SA here; {@link #releaseChildSpi} gives it back. */
    int newChildSpi();

    void releaseChildSpi(int spi);

    /** Counts a message the SA dropped: undecryptable (integrity check failed) or unexpected. */
    void dropped(boolean undecryptable);

    /** A fresh reqid: one per Child SA, kept across its rekeys. */
    int newReqid();

    /** Makes {@code sa} reachable by its local SPI. */
    void register(IkeSa sa);

    void unregister(IkeSa sa);

    /** The other live IKE SAs with the same peer (for INITIAL_CONTACT). */
    List<IkeSa> sasOfPeer(String peer);

    interface Cancellable {
        void cancel();
    }
}
