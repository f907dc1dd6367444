package dev.booster.vpp.provider;

import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.IpAddress;
import dev.booster.api.policy.Protocol;
import dev.booster.api.service.ServiceEndpoint;
import dev.booster.api.service.ServicePort;
import dev.booster.api.service.ServiceSpec;
import dev.booster.vpp.api.codec.VppMessage;
import dev.booster.vpp.binapi.AddressFamily;
import dev.booster.vpp.binapi.CnatEndpoint;
import dev.booster.vpp.binapi.CnatEndpointTuple;
import dev.booster.vpp.binapi.CnatLbType;
import dev.booster.vpp.binapi.CnatTranslation;
import dev.booster.vpp.binapi.CnatTranslationDel;
import dev.booster.vpp.binapi.CnatTranslationUpdate;
import dev.booster.vpp.binapi.IpFlowHashConfigV2;
import dev.booster.vpp.binapi.IpProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Services against the fake VPP: the exact cnat messages a service becomes (one translation per cluster IP, port and
 * protocol, with the endpoints of the VIP's family), replacement in place, removal of exactly what was made, what is
 * refused before VPP is asked, and a VPP restart putting every service back.
 */
class VppServicesAgainstFakeVppTest {

    @TempDir
    Path directory;

    private static final ServiceEndpoint ONE4 = new ServiceEndpoint(IpAddress.parse("10.1.0.1"), 8080);
    private static final ServiceEndpoint TWO4 = new ServiceEndpoint(IpAddress.parse("10.1.0.2"), 8080);
    private static final ServiceEndpoint ONE6 = new ServiceEndpoint(IpAddress.parse("fd00:1::1"), 8080);

    static ServiceSpec dualStack(ServiceSpec.LoadBalancing lb, List<ServicePort> ports) {
        return new ServiceSpec("ns", "web", List.of(IpAddress.parse("10.96.0.10"), IpAddress.parse("fd96::10")),
                ports, null, null, lb);
    }

    static ServicePort http(List<ServiceEndpoint> endpoints) {
        return new ServicePort("http", Protocol.TCP, 80, endpoints);
    }

    static CnatEndpoint ep(String address, int port) {
        return new CnatEndpoint(VppAddresses.address(IpAddress.parse(address)), 0xFFFF_FFFFL, AddressFamily.ADDRESS_IP4,
                port);
    }

    static CnatTranslationUpdate update(String vip, int port, int proto, CnatLbType lb, String... endpoints) {
        List<CnatEndpointTuple> paths = new ArrayList<>();
        for (String endpoint : endpoints) paths.add(new CnatEndpointTuple(ep(endpoint, 8080), ep("0.0.0.0", 0), 0));
        return new CnatTranslationUpdate(new CnatTranslation(ep(vip, port), 0, new IpProto(proto), 0, 0, lb,
                new IpFlowHashConfigV2(0), paths));
    }

    @Test
    void aDualStackServiceIsOneMaglevTranslationPerVipWithItsFamilysEndpointsAndIsUpdatedInPlaceAndRemovedExactly()
            throws Exception {
        try (FakeVppFixture fake = new FakeVppFixture(directory)) {
            ServiceSpec spec = dualStack(null, List.of(http(List.of(ONE4, TWO4, ONE6))));
            fake.dataplane.services().put(spec);
            assertEquals(List.of(
                    update("10.96.0.10", 80, 6, CnatLbType.CNAT_LB_TYPE_MAGLEV, "10.1.0.1", "10.1.0.2"),
                    update("fd96::10", 80, 6, CnatLbType.CNAT_LB_TYPE_MAGLEV, "fd00:1::1")), fake.vpp.requests());
            assertEquals(List.of(spec), fake.dataplane.services().list());

            // Replaced: the TCP port loses an endpoint (updated in place), a UDP port is new.
            fake.vpp.clearRequests();
            ServiceSpec replaced = dualStack(ServiceSpec.LoadBalancing.RANDOM, List.of(http(List.of(TWO4)),
                    new ServicePort("dns", Protocol.UDP, 53, List.of(ONE4))));
            fake.dataplane.services().put(replaced);
            assertEquals(List.of(
                    update("10.96.0.10", 80, 6, CnatLbType.CNAT_LB_TYPE_DEFAULT, "10.1.0.2"),
                    update("10.96.0.10", 53, 17, CnatLbType.CNAT_LB_TYPE_DEFAULT, "10.1.0.1"),
                    update("fd96::10", 80, 6, CnatLbType.CNAT_LB_TYPE_DEFAULT),
                    update("fd96::10", 53, 17, CnatLbType.CNAT_LB_TYPE_DEFAULT)), fake.vpp.requests());
            assertEquals(4, fake.vpp.cnatTranslations());
            assertEquals(List.of(replaced), fake.dataplane.services().list());

            // Replaced again without the UDP port: its two translations are deleted, after the others are updated.
            fake.vpp.clearRequests();
            fake.dataplane.services().put(dualStack(null, List.of(http(List.of(TWO4)))));
            assertEquals(List.of(
                    update("10.96.0.10", 80, 6, CnatLbType.CNAT_LB_TYPE_MAGLEV, "10.1.0.2"),
                    update("fd96::10", 80, 6, CnatLbType.CNAT_LB_TYPE_MAGLEV),
                    new CnatTranslationDel(2), new CnatTranslationDel(3)), fake.vpp.requests());

            fake.vpp.clearRequests();
            assertTrue(fake.dataplane.services().remove("ns", "web"));
            assertEquals(List.of(new CnatTranslationDel(0), new CnatTranslationDel(1)), fake.vpp.requests());
            assertEquals(0, fake.vpp.cnatTranslations(), "nothing of the service is left in VPP");
            assertFalse(fake.dataplane.services().remove("ns", "web"));
            assertEquals(List.of(), fake.dataplane.services().list());
        }
    }

    @Test
    void whatCnatCannotDoIsRefusedNamingTheFieldBeforeVppIsAsked() throws Exception {
        try (FakeVppFixture fake = new FakeVppFixture(directory)) {
            ServiceSpec affinity = new ServiceSpec("ns", "sticky", List.of(IpAddress.parse("10.96.0.11")),
                    List.of(http(List.of(ONE4))), ServiceSpec.SessionAffinity.CLIENT_IP, null, null);
            var e = assertThrows(UnsupportedOperationException.class, () -> fake.dataplane.services().put(affinity));
            assertTrue(e.getMessage().contains("sessionAffinity ClientIP"), e.getMessage());
            ServiceSpec dsr = dualStack(ServiceSpec.LoadBalancing.DSR, List.of(http(List.of(ONE4))));
            var d = assertThrows(UnsupportedOperationException.class, () -> fake.dataplane.services().put(dsr));
            assertTrue(d.getMessage().contains("loadBalancing dsr"), d.getMessage());
            assertEquals(List.of(), fake.vpp.requests());
            assertEquals(List.of(), fake.dataplane.services().list());

            ServiceSpec web = dualStack(null, List.of(http(List.of(ONE4))));
            fake.dataplane.services().put(web);
            fake.vpp.clearRequests();
            ServiceSpec sameVip = new ServiceSpec("other", "web", List.of(IpAddress.parse("fd96::10")),
                    List.of(http(List.of(ONE6))), null, null, null);
            var taken = assertThrows(dev.booster.api.InvalidSpecException.class,
                    () -> fake.dataplane.services().put(sameVip));
            assertEquals("clusterIps[0]", taken.field());
            assertEquals(List.of(), fake.vpp.requests());
            assertEquals(List.of(web), fake.dataplane.services().list());
        }
    }

    @Test
    void aVppWithoutCnatRefusesServicesListingTheMessages() throws Exception {
        try (FakeVppFixture fake = new FakeVppFixture(directory, type -> !type.name().startsWith("cnat_"))) {
            var e = assertThrows(UnsupportedOperationException.class,
                    () -> fake.dataplane.services().put(dualStack(null, List.of(http(List.of(ONE4))))));
            assertTrue(e.getMessage().contains("cnat_translation_update"), e.getMessage());
            assertEquals(List.of(), fake.vpp.requests());
        }
    }

    @Test
    void aServiceVppRefusesIsNotListedAndLeavesNothing() throws Exception {
        try (FakeVppFixture fake = new FakeVppFixture(directory)) {
            fake.vpp.refuseNext(CnatTranslationUpdate.TYPE, -1);
            assertThrows(dev.booster.api.DataplaneException.class,
                    () -> fake.dataplane.services().put(dualStack(null, List.of(http(List.of(ONE4, ONE6))))));
            assertEquals(0, fake.vpp.cnatTranslations());
            assertEquals(List.of(), fake.dataplane.services().list());
        }
    }

    @Test
    void closingTheDataplaneTakesItsServicesOutOfVpp() throws Exception {
        try (FakeVppFixture fake = new FakeVppFixture(directory)) {
            fake.dataplane.services().put(dualStack(null, List.of(http(List.of(ONE4, ONE6)))));
            fake.vpp.clearRequests();
            fake.dataplane.close();
            assertEquals(List.of(new CnatTranslationDel(0), new CnatTranslationDel(1)), fake.vpp.requests().stream()
                    .filter(m -> m instanceof CnatTranslationDel).toList());
            assertEquals(0, fake.vpp.cnatTranslations());
        }
    }

    @Test
    void afterAVppRestartEveryServiceIsPutAgain() throws Exception {
        try (FakeVppFixture fake = new FakeVppFixture(directory)) {
            fake.dataplane.services().put(dualStack(null, List.of(http(List.of(ONE4, ONE6)))));
            List<VppMessage> first = fake.vpp.requests();
            fake.vpp.stop();
            fake.awaitEvent(DataplaneEvent.BackendLost.class);
            fake.vpp.clearRequests();
            fake.vpp.restart();
            fake.awaitEvent(DataplaneEvent.BackendRestored.class);
            List<VppMessage> again = new ArrayList<>(fake.vpp.requests());
            assertEquals(FakeVppFixture.WATCH_INTERFACES, again.removeFirst());
            assertEquals(first, again);
            assertEquals(2, fake.vpp.cnatTranslations());
            fake.vpp.clearRequests();
            assertTrue(fake.dataplane.services().remove("ns", "web"));
            assertEquals(List.of(new CnatTranslationDel(0), new CnatTranslationDel(1)), fake.vpp.requests());
        }
    }
}
