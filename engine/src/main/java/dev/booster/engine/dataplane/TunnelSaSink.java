package dev.booster.engine.dataplane;

import dev.booster.engine.Engine;
import dev.booster.engine.state.TunnelEsp;
import dev.booster.ipsec.EspDecryptor;
import dev.booster.ipsec.EspEncryptor;
import dev.booster.ipsec.EspSaSink;
import dev.booster.ipsec.SecurityAssociation;

/**
 * The {@link EspSaSink} of one engine tunnel: each call builds the tunnel's new {@link TunnelEsp} (the same
 * decryptors and encryptor objects where they stay, so replay windows and sequence numbers carry over) and publishes
 * it the way the engine publishes every change, in a new forwarding state with one volatile write; the worker picks
 * it up at its next vector and never waits. What the new state dropped (an old encryptor, a removed decryptor) is
 * closed once the worker has left the old state ({@link Engine#awaitWorkerCaughtUp}, at most about one vector).
 * After the tunnel is removed, calls are ignored (the SAs they bring are not opened).
 */
final class TunnelSaSink implements EspSaSink {
    private final Engine engine;
    private final int tunnel;
    private boolean closed;

    TunnelSaSink(Engine engine, int tunnel) {
        this.engine = engine;
        this.tunnel = tunnel;
    }

    @Override
    public synchronized void addInbound(SecurityAssociation sa) {
        if (closed) return;
        EspDecryptor decryptor = EspDecryptor.open(sa);
        try {
            TunnelEsp now = engine.tunnelEsp(tunnel);
            engine.setTunnelEsp(tunnel, new TunnelEsp(now.outbound(), now.inbound().with(decryptor)));
        } catch (RuntimeException e) {
            decryptor.close();
            throw e;
        }
    }

    @Override
    public synchronized void setOutbound(SecurityAssociation sa) {
        if (closed) return;
        EspEncryptor encryptor = EspEncryptor.open(sa);
        TunnelEsp previous;
        try {
            TunnelEsp now = engine.tunnelEsp(tunnel);
            previous = engine.setTunnelEsp(tunnel, new TunnelEsp(encryptor, now.inbound()));
        } catch (RuntimeException e) {
            encryptor.close();
            throw e;
        }
        if (previous.outbound() != null) {
            engine.awaitWorkerCaughtUp();
            previous.outbound().close();
        }
    }

    @Override
    public synchronized void removeInbound(int spi) {
        if (closed) return;
        TunnelEsp now = engine.tunnelEsp(tunnel);
        EspDecryptor removed = now.inbound().find(spi);
        if (removed == null) return;
        engine.setTunnelEsp(tunnel, new TunnelEsp(now.outbound(), now.inbound().without(spi)));
        engine.awaitWorkerCaughtUp();
        removed.close();
    }

    /** Ignores calls from now on: the tunnel is being removed, and its last state is closed by whoever removes it. */
    synchronized void close() {
        closed = true;
    }

    /** Closes every cipher of {@code esp}; only once no worker can read it. */
    static void closeAll(TunnelEsp esp) {
        if (esp.outbound() != null) esp.outbound().close();
        for (EspDecryptor d : esp.inbound().decryptors()) d.close();
    }
}
