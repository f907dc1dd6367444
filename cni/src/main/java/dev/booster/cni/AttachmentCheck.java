package dev.booster.cni;

import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.AttachedInterface;
import dev.booster.api.pod.PodAttachment;
import dev.booster.cni.NetworkConfig.AttachmentKey;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * CHECK's comparison (SPEC.md: "consult the prevResult to determine the expected interfaces and addresses"): the pod
 * end that {@code prevResult} names, the dataplane's attachment, and the kernel's interface must agree on presence,
 * link state, MAC and addresses; the MTU only when {@code prevResult} states it (1.1.0), since a later plugin in the
 * chain (tuning) may change it. Routes are not compared: later plugins may change them too.
 */
record AttachmentCheck(String version, AttachmentKey key, String netns, Path netnsPath) {

    /** @throws CniException code 102 saying what differs */
    void verify(CniResult prev, PodAttachment attachment, InterfaceInspector inspector) {
        int index = -1;
        for (int i = 0; i < prev.interfaces().size(); i++) {
            CniResult.Interface candidate = prev.interfaces().get(i);
            if (candidate.name().equals(key.ifName()) && candidate.sandbox().orElse("").equals(netns)) index = i;
        }
        if (index < 0) throw failed("prevResult lists no interface " + key.ifName() + " with sandbox " + netns);
        CniResult.Interface expected = prev.interfaces().get(index);
        Set<InterfaceAddress> expectedAddresses = new HashSet<>();
        for (CniResult.IpConfig ip : prev.ips()) {
            if (ip.interfaceIndex().orElse(-1) == index) expectedAddresses.add(ip.address());
        }
        AttachedInterface main = attachment.interfaces().getFirst();
        if (!expectedAddresses.equals(new HashSet<>(main.addresses()))) {
            throw failed("prevResult gives " + key.ifName() + " the addresses " + expectedAddresses + ", Booster attached " + main.addresses());
        }
        InterfaceInspector.ObservedInterface seen = inspector.inspect(netnsPath, key.ifName())
                .orElseThrow(() -> failed("interface " + key.ifName() + " is missing from " + netnsPath));
        if (expected.mac().isPresent() && !expected.mac().get().equalsIgnoreCase(seen.mac())) {
            throw failed(key.ifName() + " has MAC " + seen.mac() + ", prevResult says " + expected.mac().get());
        }
        for (InterfaceAddress a : expectedAddresses) {
            if (!seen.addresses().contains(a)) throw failed("address " + a + " is missing from " + key.ifName() + " (it has " + seen.addresses() + ")");
        }
        if (expected.mtu().isPresent() && seen.mtu() != expected.mtu().getAsInt()) {
            throw failed(key.ifName() + " has MTU " + seen.mtu() + ", prevResult says " + expected.mtu().getAsInt());
        }
        if (!seen.up()) throw failed(key.ifName() + " is down");
    }

    private CniException failed(String what) {
        return new CniException(version, CniError.CHECK_FAILED, "CHECK failed: " + what, "DEL and ADD the container again to repair it");
    }
}
