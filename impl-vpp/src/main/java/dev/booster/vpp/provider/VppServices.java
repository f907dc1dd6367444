package dev.booster.vpp.provider;

import dev.booster.api.DataplaneException;
import dev.booster.api.net.IpAddress;
import dev.booster.api.service.ServiceEndpoint;
import dev.booster.api.service.ServicePort;
import dev.booster.api.service.ServiceSpec;
import dev.booster.api.service.Services;
import dev.booster.vpp.api.MessageMismatch;
import dev.booster.vpp.api.VppApiException;
import dev.booster.vpp.api.codec.VppMessageType;
import dev.booster.vpp.binapi.AddressFamily;
import dev.booster.vpp.binapi.CnatEndpoint;
import dev.booster.vpp.binapi.CnatEndpointTuple;
import dev.booster.vpp.binapi.CnatLbType;
import dev.booster.vpp.binapi.CnatTranslation;
import dev.booster.vpp.binapi.CnatTranslationDel;
import dev.booster.vpp.binapi.CnatTranslationDelReply;
import dev.booster.vpp.binapi.CnatTranslationUpdate;
import dev.booster.vpp.binapi.CnatTranslationUpdateReply;
import dev.booster.vpp.binapi.IpFlowHashConfigV2;
import dev.booster.vpp.binapi.IpProto;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Services on VPP's cnat plugin: each (cluster IP, port, protocol) of a service is one cnat translation whose paths
 * are the port's endpoints of the cluster IP's family. The translation is not a "real IP" one, so cnat puts a /32 (or
 * /128) for the VIP in the FIB that DNATs to a path, and a return entry for each client that un-NATs the replies: no
 * per-interface feature is needed for pod → ClusterIP traffic. Maglev is cnat's {@code CNAT_LB_TYPE_MAGLEV};
 * {@code random} is cnat's default, a per-flow hash over the paths. Replacing a service updates each translation in
 * place (cnat keys them by VIP and protocol and keeps the id) and deletes those the new spec no longer has; removing
 * deletes exactly the service's translations; after a VPP restart every service is put again.
 */
final class VppServices implements Services {

    /** The cnat messages services need, and what VPP answers. */
    static final List<VppMessageType<?>> CNAT_MESSAGES = List.of(CnatTranslationUpdate.TYPE,
            CnatTranslationUpdateReply.TYPE, CnatTranslationDel.TYPE, CnatTranslationDelReply.TYPE);

    /** cnat's "no interface": the endpoint is the address, not an interface's. */
    private static final long NO_INTERFACE = 0xFFFF_FFFFL;

    private final VppDataplane dataplane;
    private final Map<String, Installed> byKey = new LinkedHashMap<>();

    /** One translation's identity: what cnat keys it by. */
    record Vip(IpAddress address, int port, dev.booster.api.policy.Protocol protocol) {
    }

    /** A service as asked, and the cnat translation id of each of its VIPs in the current session. */
    private static final class Installed {
        ServiceSpec spec;
        final Map<Vip, Long> translations = new LinkedHashMap<>();

        Installed(ServiceSpec spec) {
            this.spec = spec;
        }
    }

    VppServices(VppDataplane dataplane) {
        this.dataplane = dataplane;
    }

    @Override
    public void put(ServiceSpec spec) {
        synchronized (dataplane.lock) {
            check(spec);
            checkVipsFree(spec);
            VppSession session = dataplane.session();
            checkMessages(session);
            Installed installed = byKey.get(spec.key());
            boolean fresh = installed == null;
            if (fresh) installed = new Installed(spec);
            Map<Vip, Long> before = new LinkedHashMap<>(installed.translations);
            try {
                program(session, installed, spec);
            } catch (RuntimeException e) {
                // A new service takes back what it made; a replaced one keeps what VPP has (old or new per VIP).
                if (fresh) {
                    try {
                        deleteAll(session, installed);
                    } catch (RuntimeException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                }
                throw e;
            }
            for (var old : before.entrySet()) {
                if (!installed.translations.containsKey(old.getKey())) delete(session, old.getValue(), old.getKey());
            }
            installed.spec = spec;
            byKey.put(spec.key(), installed);
        }
    }

    @Override
    public boolean remove(String namespace, String name) {
        synchronized (dataplane.lock) {
            Installed installed = byKey.get(namespace + "/" + name);
            if (installed == null) return false;
            deleteAll(dataplane.session(), installed);
            byKey.remove(namespace + "/" + name);
            return true;
        }
    }

    @Override
    public List<ServiceSpec> list() {
        synchronized (dataplane.lock) {
            return byKey.values().stream().map(s -> s.spec).toList();
        }
    }

    /** Removes every service from VPP (closing the dataplane). */
    void removeAll() {
        for (Installed s : List.copyOf(byKey.values())) remove(s.spec.namespace(), s.spec.name());
    }

    /** Puts every service again on a new VPP (after a restart: its translations died with the old one). */
    void reprogram(VppSession session) {
        if (byKey.isEmpty()) return;
        checkMessages(session);
        for (Installed s : byKey.values()) {
            s.translations.clear();
            program(session, s, s.spec);
        }
    }

    // ------------------------------------------------------------------------------------------ internals

    /** What cnat cannot do: refused before VPP is asked. */
    private static void check(ServiceSpec spec) {
        if (spec.sessionAffinity() == ServiceSpec.SessionAffinity.CLIENT_IP) {
            throw new UnsupportedOperationException("service " + spec.key() + ": sessionAffinity ClientIP on the vpp"
                    + " provider is not mapped: VPP v26.06's cnat translations have no client affinity (a flow keeps"
                    + " its backend, a new flow from the same client may not); use None, or the engine's dataplanes");
        }
        if (spec.loadBalancing() == ServiceSpec.LoadBalancing.DSR) {
            throw new UnsupportedOperationException("service " + spec.key() + ": loadBalancing dsr on the vpp"
                    + " provider is not mapped: cnat un-NATs the replies on their way back through VPP, it has no"
                    + " direct server return; use maglev or random");
        }
    }

    /** cnat has one translation per VIP, port and protocol: two services cannot share one. */
    private void checkVipsFree(ServiceSpec spec) {
        for (int i = 0; i < spec.clusterIps().size(); i++) {
            for (ServicePort port : spec.ports()) {
                Vip vip = new Vip(spec.clusterIps().get(i), port.port(), port.protocol());
                for (Installed other : byKey.values()) {
                    if (!other.spec.key().equals(spec.key()) && other.translations.containsKey(vip)) {
                        throw new dev.booster.api.InvalidSpecException("clusterIps[" + i + "]", vip.address() + " port "
                                + vip.port() + "/" + vip.protocol() + " is already service " + other.spec.key()
                                + "'s; a cluster IP and port belong to one service");
                    }
                }
            }
        }
    }

    private static void checkMessages(VppSession session) {
        List<String> missing = new ArrayList<>();
        for (var type : CNAT_MESSAGES) {
            if (!session.client.supports(type)) {
                missing.add(new MessageMismatch(type.name(), type.crc(),
                        session.client.messageTable().crcOf(type.name())).toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new UnsupportedOperationException("services on VPP need its cnat plugin's messages as Booster knows"
                    + " them, which this VPP lacks (plugin not loaded?) or has in another version: "
                    + String.join("; ", missing));
        }
    }

    /** Puts (or updates in place) one translation per cluster IP and port of {@code spec} into {@code s}. */
    private static void program(VppSession session, Installed s, ServiceSpec spec) {
        Map<Vip, Long> made = new LinkedHashMap<>();
        for (IpAddress clusterIp : spec.clusterIps()) {
            for (ServicePort port : spec.ports()) {
                Vip vip = new Vip(clusterIp, port.port(), port.protocol());
                long id = update(session, translation(spec, vip, port.endpoints()));
                made.put(vip, id);
                s.translations.put(vip, id);
            }
        }
        s.translations.keySet().retainAll(made.keySet()); // the caller deletes the others from VPP
        s.translations.putAll(made);
    }

    /** The cnat translation of {@code vip}: its endpoints of the VIP's family, Maglev or cnat's flow hash. */
    static CnatTranslation translation(ServiceSpec spec, Vip vip, List<ServiceEndpoint> endpoints) {
        List<CnatEndpointTuple> paths = new ArrayList<>();
        for (ServiceEndpoint endpoint : endpoints) {
            if (endpoint.address().getClass() != vip.address().getClass()) continue; // dual stack: the other VIP's
            paths.add(CnatEndpointTuple.builder().dstEp(endpoint(endpoint.address(), endpoint.port()))
                    .srcEp(endpoint(null, 0)).flags(0).build());
        }
        return CnatTranslation.builder().vip(endpoint(vip.address(), vip.port())).id(0)
                .ipProto(new IpProto(vip.protocol().number())).isRealIp(0).flags(0)
                .lbType(spec.loadBalancing() == ServiceSpec.LoadBalancing.MAGLEV
                        ? CnatLbType.CNAT_LB_TYPE_MAGLEV : CnatLbType.CNAT_LB_TYPE_DEFAULT)
                .flowHashConfig(new IpFlowHashConfigV2(0)) // cnat's default: the 5-tuple
                .paths(paths).build();
    }

    /** An address and port; no address (a path's source) leaves the client's as it is. */
    private static CnatEndpoint endpoint(IpAddress address, int port) {
        IpAddress a = address == null ? dev.booster.api.net.Ip4Address.parse("0.0.0.0") : address;
        return CnatEndpoint.builder().addr(VppAddresses.address(a)).swIfIndex(NO_INTERFACE)
                .ifAf(AddressFamily.ADDRESS_IP4).port(port).build();
    }

    private static long update(VppSession session, CnatTranslation translation) {
        try {
            return session.client.call(new CnatTranslationUpdate(translation)).id();
        } catch (VppApiException e) {
            throw new DataplaneException("VPP could not put the cnat translation for "
                    + VppAddresses.ipAddress(translation.vip().addr()) + ":" + translation.vip().port() + ": "
                    + e.getMessage(), e);
        }
    }

    private static void delete(VppSession session, long id, Vip vip) {
        try {
            session.client.call(new CnatTranslationDel(id));
        } catch (VppApiException e) {
            throw new DataplaneException("VPP could not delete the cnat translation " + id + " of " + vip + ": "
                    + e.getMessage(), e);
        }
    }

    private static void deleteAll(VppSession session, Installed s) {
        RuntimeException first = null;
        for (var t : s.translations.entrySet()) {
            try {
                delete(session, t.getValue(), t.getKey());
            } catch (RuntimeException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        s.translations.clear();
        if (first != null) throw first;
    }
}
