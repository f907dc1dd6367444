package dev.booster.memif;

/**
 * The descriptors that arrived with one control message. Whoever handles the message {@link #take}s the one it
 * needs; {@link #close} closes all others, so a peer cannot leak descriptors into this process by attaching them
 * to messages that carry none.
 */
final class ReceivedFds implements AutoCloseable {
    private final int[] fds;
    private int taken;

    ReceivedFds(int[] fds) {
        this.fds = fds.clone();
    }

    static ReceivedFds none() {
        return new ReceivedFds(new int[0]);
    }

    int count() {
        return fds.length;
    }

    /** The first descriptor, now the caller's; -1 when none came. */
    int take() {
        if (taken > 0 || fds.length == 0) return -1;
        taken = 1;
        return fds[0];
    }

    @Override
    public void close() {
        for (int i = taken; i < fds.length; i++) Connection.closeQuietly(fds[i]);
        taken = fds.length;
    }
}
