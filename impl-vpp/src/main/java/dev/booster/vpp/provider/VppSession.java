package dev.booster.vpp.provider;

import dev.booster.api.net.InterfaceAddress;
import dev.booster.vpp.api.VppApiClient;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * What belongs to one connection to one VPP run: the client, its operations, and VPP objects shared by pods (the
 * gateway loopback, memif socket registrations). A VPP restart loses all of it; the next session makes it anew.
 */
final class VppSession {

    final VppApiClient client;
    final VppInterfaces interfaces;
    private int gatewayLoopback = -1;
    private final Map<String, MemifSocket> memifSockets = new HashMap<>();

    private static final class MemifSocket {
        final long id;
        int users;

        MemifSocket(long id) {
            this.id = id;
        }
    }

    VppSession(VppApiClient client) {
        this.client = client;
        this.interfaces = new VppInterfaces(client);
    }

    /** The loopback holding the IPv4 gateway address every pod interface borrows; made on first use. */
    int gatewayLoopback() {
        if (gatewayLoopback < 0) {
            int loopback = interfaces.createLoopback(VppGateway.MAC);
            interfaces.setAdminUp(loopback, true);
            interfaces.addAddress(loopback, new InterfaceAddress(VppGateway.IP4, 32));
            gatewayLoopback = loopback;
        }
        return gatewayLoopback;
    }

    /** VPP's id of the memif socket {@code name}, registered on first use; each use must be released. */
    long useMemifSocket(String name) {
        MemifSocket socket = memifSockets.get(name);
        if (socket == null) {
            socket = new MemifSocket(interfaces.addMemifSocket(name));
            memifSockets.put(name, socket);
        }
        socket.users++;
        return socket.id;
    }

    void releaseMemifSocket(String name) {
        MemifSocket socket = memifSockets.get(name);
        if (socket != null && --socket.users == 0) {
            memifSockets.remove(name);
            interfaces.removeMemifSocket(socket.id);
            deleteSocketFile(name);
        }
    }

    /**
     * VPP v26.06 leaves the listener's file behind when its last memif and the socket registration are deleted (seen
     * live); the backend runs on VPP's host (veths need it), so it removes the file it had VPP make. Abstract sockets
     * have no file.
     */
    private static void deleteSocketFile(String name) {
        if (name.startsWith("abstract:")) return;
        java.nio.file.Path file = java.nio.file.Path.of(name);
        try {
            if (file.isAbsolute() && Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther()) {
                Files.deleteIfExists(file); // a socket, not a file or directory someone named by mistake
            }
        } catch (java.io.IOException | SecurityException e) {
            System.getLogger(VppSession.class.getName()).log(System.Logger.Level.WARNING, "could not delete memif socket"
                    + " file " + file + " that VPP left: " + e.getMessage());
        }
    }

    /** Deletes what the session made for all pods (the gateway loopback); the pods must be gone. */
    void releaseShared() {
        if (gatewayLoopback >= 0) {
            interfaces.deleteLoopback(gatewayLoopback);
            gatewayLoopback = -1;
        }
    }

    boolean isConnected() {
        return !client.whenDisconnected().isDone();
    }
}
