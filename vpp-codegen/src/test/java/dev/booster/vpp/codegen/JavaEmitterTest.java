package dev.booster.vpp.codegen;

import org.junit.jupiter.api.Test;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the emitter writes for each construct (the generated code's behaviour is tested in impl-vpp). */
class JavaEmitterTest {

    private final Map<String, String> sources = new JavaEmitter(TestApi.definitions(), "test.gen")
            .emitAll("TestRegistry", "v0");

    @Test
    void messagesLeaveHeaderAndCountFieldsOutOfTheirRecords() {
        String routeAdd = sources.get("RouteAdd.java");
        assertTrue(routeAdd.contains("public record RouteAdd(Prefix prefix, java.util.List<Path> paths, String tag)"
                + " implements VppRequest<RouteAddReply>"), routeAdd);
        assertTrue(routeAdd.contains("VppHeader.CLIENT_AND_CONTEXT"));
        assertTrue(routeAdd.contains("VppField.countOf(\"n_paths\", \"nPaths\", VppWireType.Scalar.U8)"));
        assertTrue(routeAdd.contains("writer.u8(value.paths().size());"));
        assertTrue(routeAdd.contains("reader.list(reader.count(nPaths, "));
        assertTrue(routeAdd.contains("\"route_add\", \"0000005a\""));
    }

    @Test
    void servicesDecideWhatMessagesImplement() {
        assertTrue(sources.get("RouteDump.java").contains("implements VppDumpRequest<RouteDetails>"));
        assertTrue(sources.get("RouteAddReply.java").contains("implements VppMessage, VppRetval"));
        assertTrue(sources.get("RouteEvent.java").contains("implements VppEvent"));
        assertTrue(sources.get("RouteEvent.java").contains("VppHeader.CLIENT,"));
        assertTrue(sources.get("RouteDetails.java").contains("VppHeader.CONTEXT,"));
        assertTrue(sources.get("ThreadExit.java").contains("VppHeader.ID_ONLY,"));
        assertTrue(sources.get("WantRouteEvents.java").contains(
                "() -> java.util.List.of(WantRouteEventsReply.TYPE, RouteEvent.TYPE)"));
    }

    @Test
    void typesGetTheirOwnShapes() {
        assertTrue(sources.get("AddressUnion.java").contains("public static final int SIZE = 16;"));
        assertTrue(sources.get("AddressUnion.java").contains("public static AddressUnion ofIp4(Ip4Address ip4)"));
        assertTrue(sources.get("Ip4Address.java").contains("public record Ip4Address(ByteArray value)"));
        assertFalse(sources.containsKey("InterfaceIndex.java"), "an alias of a scalar is the scalar");
        assertFalse(sources.containsKey("AddressWithPrefix.java"), "an alias of a struct is the struct");
        String family = sources.get("AddressFamily.java");
        assertTrue(family.contains("VppWireType.Scalar.U8, false"), family);
        assertTrue(family.contains("writer.u8((int) value.value());"));
        assertTrue(sources.get("TunnelFlags.java").contains("public boolean has(TunnelFlags flags)"));
        assertTrue(sources.get("IfStatusFlags.java").contains("public IfStatusFlags with(IfStatusFlags flags)"),
                "an enum named *_flags combines like an enumflag");
        String path = sources.get("Path.java");
        assertTrue(path.contains("private long swIfIndex = 4294967295L;"), path);
        assertTrue(path.contains("private boolean isUp = true;"));
        assertTrue(path.contains("private double weight = 1.0d;"));
        assertTrue(path.contains("int interface_"), "keywords are renamed");
        assertTrue(path.contains("labels = VppChecks.fixedList(\"path.labels\", labels, 4);"));
        assertTrue(path.contains("VppChecks.scalarElements(\"path.labels\", VppWireType.Scalar.U32, labels);"));
    }

    @Test
    void commentsFromTheJsonCannotBreakTheSource() {
        String path = sources.get("Path.java");
        assertTrue(path.contains("A path *&#47; with &#92;u0041 in it"), path);
    }

    @Test
    void everythingEmittedIsValidJava() throws java.io.IOException {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<JavaFileObject> files = sources.entrySet().stream().map(e -> (JavaFileObject) new SimpleJavaFileObject(
                URI.create("string:///test/gen/" + e.getKey()), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return e.getValue();
            }
        }).toList();
        var task = (com.sun.source.util.JavacTask) ToolProvider.getSystemJavaCompiler()
                .getTask(null, null, diagnostics, List.of("-proc:none"), null, files);
        assertTrue(task.parse().iterator().hasNext());
        assertEquals(List.of(), diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(Object::toString).toList());
    }

    @Test
    void theRegistryListsEverything() {
        String registry = sources.get("TestRegistry.java");
        assertTrue(registry.contains("public static final String API_VERSION = \"v0\";"));
        assertTrue(registry.contains("RouteAdd.TYPE,"));
        assertTrue(registry.contains("AddressUnion.TYPE"));
    }

    @Test
    void aServiceNamingAnAbsentMessageIsRefused() {
        ApiFile broken = TestApi.file("""
                {"messages": [["ping", ["u16", "_vl_msg_id"], ["u32", "client_index"], ["u32", "context"], {"crc": "0x1"}]],
                 "services": {"ping": {"reply": "ping_reply"}}}""");
        ApiFormatException refused = assertThrows(ApiFormatException.class,
                () -> new JavaEmitter(ApiDefinitions.of(List.of(broken)), "p").emitAll("R", "v0"));
        assertEquals("service ping names message ping_reply, which none of the files defines", refused.getMessage());
    }

    @Test
    void restrictingToOneMessageKeepsWhatItNeeds() {
        ApiDefinitions restricted = TestApi.definitions().restrictTo(List.of("message want_route_events"));
        assertEquals(List.of("route_event", "want_route_events", "want_route_events_reply"),
                List.copyOf(restricted.messages().keySet()));
        assertEquals(List.of("tunnel_flags"), List.copyOf(restricted.types().keySet()));
        ApiDefinitions route = TestApi.definitions().restrictTo(List.of("message route_add"));
        assertTrue(route.types().keySet().containsAll(List.of("prefix", "address", "address_union", "ip4_address",
                "path", "address_with_prefix", "interface_index")), route.types().keySet().toString());
    }
}
