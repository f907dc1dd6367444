package dev.booster.vpp.provider;

import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.Veth;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@link HostLinks} that only notes what it was asked, one line per call, for tests without root. */
final class RecordingHostLinks implements HostLinks {

    private final List<String> calls = new ArrayList<>();

    @Override
    public synchronized void createVeth(Path netns, Veth spec, String field, String hostName, MacAddress hostMac,
                                        MacAddress podMac) {
        calls.add("createVeth " + netns + " " + spec.name() + " " + spec.addresses() + " " + field + " " + hostName
                + " " + hostMac + " " + podMac);
    }

    @Override
    public synchronized void configurePodSide(Path netns, InterfaceSpec spec, String field, MacAddress gatewayMac) {
        calls.add("configurePodSide " + netns + " " + spec.name() + " " + spec.addresses() + " " + field + " "
                + gatewayMac);
    }

    @Override
    public synchronized void deleteVeth(String hostName) {
        calls.add("deleteVeth " + hostName);
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized void clear() {
        calls.clear();
    }
}
