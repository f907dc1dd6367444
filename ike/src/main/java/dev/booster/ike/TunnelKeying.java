package dev.booster.ike;

import java.util.concurrent.CompletableFuture;

import static java.lang.System.Logger.Level.WARNING;

/**
 * IKE keying of one tunnel, from {@link NodeIke#addPeer}: its Child SAs reach the tunnel's
 * {@link dev.booster.ipsec.EspSaSink} until {@link #close()}.
 */
public final class TunnelKeying implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.booster.ike");

    private final NodeIke node;
    private final EspSaBinding binding;
    private final IkeEventListener events;
    private volatile boolean closed;

    TunnelKeying(NodeIke node, EspSaBinding binding, IkeEventListener events) {
        this.node = node;
        this.binding = binding;
        this.events = events;
    }

    /** The {@link PeerConfig#name()} of the remote node. */
    public String peer() {
        return binding.peer();
    }

    /**
     * Sets up the IKE SA and the first Child SA from this side; completes with the IKE SA once the sink has its SAs,
     * or exceptionally with an {@link IkeException} naming the failure (e.g. AUTHENTICATION_FAILED, NO_PROPOSAL_CHOSEN).
     */
    public CompletableFuture<IkeSaInfo> initiate() {
        if (closed) return CompletableFuture.failedFuture(new IllegalStateException("the keying of peer " + peer() + " is closed"));
        return node.daemon().initiate(peer());
    }

    /** Rekeys the Child SA make-before-break (the sink sees addInbound, setOutbound, removeInbound). */
    public CompletableFuture<Void> rekey() {
        if (closed) return CompletableFuture.failedFuture(new IllegalStateException("the keying of peer " + peer() + " is closed"));
        return node.daemon().rekeyChildSa(peer());
    }

    /** The SPIs of the inbound SAs the sink holds for this tunnel now. */
    public java.util.Set<Integer> inboundSpis() {
        return binding.inboundSpis();
    }

    /**
     * Stops keying this tunnel: the peer's SAs are deleted (an IKE Delete goes to the peer; the sink sees
     * removeInbound for each inbound SA) and the peer is forgotten. An inbound SA the delete did not reach (the peer
     * is gone and the Delete times out) is removed from the sink all the same.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            node.daemon().removePeer(peer());
        } catch (RuntimeException e) {
            LOG.log(WARNING, "deleting the SAs of peer " + peer() + ": " + e.getMessage() + "; removing them from the dataplane anyway");
        } finally {
            binding.close();
            node.forget(this);
        }
    }

    EspSaBinding binding() {
        return binding;
    }

    IkeEventListener events() {
        return events;
    }
}
