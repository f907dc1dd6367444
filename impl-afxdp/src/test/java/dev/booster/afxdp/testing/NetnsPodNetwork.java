package dev.booster.afxdp.testing;

import dev.booster.host.link.NetnsThreads;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.testkit.conformance.MemifResponder;
import dev.booster.testkit.conformance.PodNetwork;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pods in real network namespaces for the conformance suite: each pod gets a namespace of its own; ping is the
 * system's {@code ping} run inside it; TCP listeners, UDP echo responders and clients are Java sockets created inside
 * the namespace (a socket stays in the namespace of the thread that made it) and served from ordinary threads.
 *
 * <p>A memif pod gets a namespace too, and its memif an abstract socket name, which exists only inside that namespace:
 * the dataplane must make the socket there, and the pod's application ({@link MemifResponder}) connects from there.
 */
public final class NetnsPodNetwork implements PodNetwork {
    private static final int TIMEOUT_MILLIS = 2000;
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final TestNamespaces namespaces;
    private final String uidSuffix = "-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
    private final Map<String, String> netnsByUid = new HashMap<>();
    private final Map<String, PodSpec> specsByUid = new HashMap<>();
    private final Map<String, List<AutoCloseable>> serversByUid = new HashMap<>();
    private final Map<String, DatagramChannel> echoes = new HashMap<>();
    private final Map<String, MemifResponder> memifApplications = new HashMap<>();

    public NetnsPodNetwork(String tag) {
        this.namespaces = new TestNamespaces(tag);
    }

    @Override
    public PodSpec pod(String namespace, String name, Map<String, String> labels, InterfaceAddress... addresses) {
        String netns = namespaces.add(namespace + "-" + name);
        PodSpec spec = PodSpec.builder(namespace, name).uid(namespace + "/" + name + uidSuffix).labels(labels)
                .netns(TestNamespaces.path(netns)).addInterface(Veth.of("eth0", addresses)).build();
        netnsByUid.put(spec.uid(), netns);
        specsByUid.put(spec.uid(), spec);
        return spec;
    }

    @Override
    public PodSpec memifPod(String namespace, String name, Map<String, String> labels, InterfaceAddress... addresses) {
        String netns = namespaces.add(namespace + "-" + name);
        Memif memif = new Memif("eth0", List.of(addresses), List.of(), Memif.DEFAULT_MTU, Optional.empty(), Memif.Role.MASTER,
                "@booster-test-" + namespace + "-" + name + uidSuffix, 0, 1, 256, Memif.Mode.ETHERNET, Optional.empty());
        PodSpec spec = PodSpec.builder(namespace, name).uid(namespace + "/" + name + uidSuffix).labels(labels)
                .netns(TestNamespaces.path(netns)).addInterface(memif).build();
        netnsByUid.put(spec.uid(), netns);
        specsByUid.put(spec.uid(), spec);
        memifApplications.put(spec.uid(), NetnsThreads.supply(TestNamespaces.path(netns), () -> MemifResponder.start(memif)));
        return spec;
    }

    /** Before traffic to a memif pod: its application must have connected, or the first request would find nobody. */
    private void awaitMemifApplication(IpAddress to) {
        ownerOf(to).map(memifApplications::get).ifPresent(application -> {
            if (!application.awaitConnected(Duration.ofSeconds(5))) throw new AssertionError("the memif application for " + to + " did not connect");
        });
    }

    private Optional<String> ownerOf(IpAddress to) {
        return specsByUid.values().stream()
                .filter(s -> s.interfaces().stream().flatMap(i -> i.addresses().stream()).anyMatch(a -> a.address().equals(to)))
                .map(PodSpec::uid).findFirst();
    }

    private Path netnsOf(PodAttachment pod) {
        return TestNamespaces.path(netnsByUid.get(pod.spec().uid()));
    }

    @Override
    public void listen(PodAttachment pod, int port) {
        ServerSocketChannel server = NetnsThreads.supply(netnsOf(pod), () -> {
            try {
                return ServerSocketChannel.open().bind(new InetSocketAddress(port)); // [::]: both families
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Thread.ofVirtual().start(() -> {
            while (true) {
                try (SocketChannel accepted = server.accept()) {
                    accepted.shutdownOutput();
                } catch (ClosedChannelException closed) {
                    return;
                } catch (IOException ignored) {
                    // a client that went away; keep serving
                }
            }
        });
        serversByUid.computeIfAbsent(pod.spec().uid(), u -> new ArrayList<>()).add(server);
    }

    @Override
    public boolean ping(PodAttachment from, IpAddress to) {
        awaitMemifApplication(to);
        List<String> command = new ArrayList<>(List.of("ping", "-c", "1", "-W", "2"));
        if (to instanceof Ip6Address) command.add("-6");
        command.add(to.toString());
        return namespaces.exec(netnsByUid.get(from.spec().uid()), command.toArray(String[]::new)).succeeded();
    }

    @Override
    public boolean tcpConnect(PodAttachment from, IpAddress to, int port) {
        return NetnsThreads.supply(netnsOf(from), () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(inet(to), port), TIMEOUT_MILLIS);
                return true;
            } catch (IOException refusedOrTimedOut) {
                return false;
            }
        });
    }

    @Override
    public boolean udp(PodAttachment from, IpAddress to, int port) {
        String owner = ownerOf(to).orElseThrow(() -> new IllegalArgumentException("no pod of this network has " + to));
        if (memifApplications.containsKey(owner)) {
            awaitMemifApplication(to); // the application echoes any UDP
        } else {
            ensureUdpEcho(owner, port);
        }
        byte[] payload = ("echo " + port).getBytes(StandardCharsets.US_ASCII);
        return NetnsThreads.supply(netnsOf(from), () -> {
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.setSoTimeout(TIMEOUT_MILLIS);
                socket.send(new DatagramPacket(payload, payload.length, inet(to), port));
                DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                socket.receive(reply);
                return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII).equals("echo " + port);
            } catch (SocketTimeoutException lost) {
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private void ensureUdpEcho(String uid, int port) {
        String key = uid + ":" + port;
        if (echoes.containsKey(key)) return;
        DatagramChannel channel = NetnsThreads.supply(TestNamespaces.path(netnsByUid.get(uid)), () -> {
            try {
                return DatagramChannel.open().bind(new InetSocketAddress(port));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Thread.ofVirtual().start(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(2048);
            while (true) {
                try {
                    buffer.clear();
                    var sender = channel.receive(buffer);
                    buffer.flip();
                    channel.send(buffer, sender);
                } catch (ClosedChannelException closed) {
                    return;
                } catch (IOException ignored) {
                    // keep echoing
                }
            }
        });
        echoes.put(key, channel);
        serversByUid.computeIfAbsent(uid, u -> new ArrayList<>()).add(channel);
    }

    private static InetAddress inet(IpAddress address) {
        try {
            return InetAddress.getByAddress(address.toBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void remove(PodSpec pod) {
        closeServers(pod.uid());
        specsByUid.remove(pod.uid());
        String netns = netnsByUid.remove(pod.uid());
        if (netns != null) namespaces.remove(netns);
    }

    private void closeServers(String uid) {
        MemifResponder application = memifApplications.remove(uid);
        if (application != null) application.close();
        for (AutoCloseable server : serversByUid.getOrDefault(uid, List.of())) {
            try {
                server.close();
            } catch (Exception ignored) {
                // closing a socket whose namespace is gone
            }
        }
        serversByUid.remove(uid);
        echoes.keySet().removeIf(k -> k.startsWith(uid + ":"));
    }

    @Override
    public void close() {
        for (String uid : List.copyOf(serversByUid.keySet())) closeServers(uid);
        for (String uid : List.copyOf(memifApplications.keySet())) closeServers(uid);
        namespaces.close();
    }
}
