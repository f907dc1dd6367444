package dev.booster.afxdp.xsk;

import dev.booster.afxdp.ffi.Libbpf;
import dev.booster.host.ffi.Libc;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.pod.InterfaceNames;

/** Which XDP program, if any, is attached to an interface. */
public final class XdpQuery {
    private XdpQuery() {
    }

    /**
     * The id of the XDP program attached to {@code interfaceName} (in the calling thread's network namespace), 0
     * when none is.
     *
     * @throws InvalidSpecException the name is invalid or no such interface exists here
     */
    public static int attachedProgramId(String interfaceName) {
        InterfaceNames.check("interfaceName", interfaceName);
        int ifindex = Libc.ifNameToIndex(interfaceName);
        if (ifindex == 0) {
            throw new InvalidSpecException("interfaceName", "no interface \"" + interfaceName + "\" in this network namespace");
        }
        return Libbpf.load().xdpQueryId(ifindex, 0, interfaceName);
    }
}
