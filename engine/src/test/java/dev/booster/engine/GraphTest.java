package dev.booster.engine;

import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.Node;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.node.StandardGraph;
import dev.booster.engine.packet.PacketVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class GraphTest {
    private static Node named(String name) {
        return new Node(name) {
            @Override
            public void process(Frame frame, PacketVector packets, NodeContext ctx) {
            }
        };
    }

    @Test
    void theStandardGraphResolvesEveryNextNode() {
        Graph g = StandardGraph.build();
        assertEquals("ethernet-input", g.node(g.entry()).name());
        for (int i = 0; i < g.size(); i++) assertEquals(i, g.node(i).index());
        assertEquals(g.index("error-drop"), g.size() - 1);
    }

    @Test
    void refusesUnknownNextNodesDuplicatesAndMisnamedNodes() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> Graph.builder().add("a", w -> {
            w.index("b");
            return named("a");
        }).build("a"));
        assertTrue(unknown.getMessage().contains("\"b\""), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Graph.builder().add("a", w -> named("a")).add("a", w -> named("a")));
        assertThrows(IllegalArgumentException.class, () -> Graph.builder().add("a", w -> named("x")).build("a"));
        assertThrows(IllegalArgumentException.class, () -> Graph.builder().add("a", w -> named("a")).build("nope"));
    }

    @Test
    void dropReasonsHaveStableKebabCaseNames() {
        assertEquals("no-route", DropReason.NO_ROUTE.reasonName());
        assertEquals("unsupported-ethertype", DropReason.UNSUPPORTED_ETHERTYPE.reasonName());
        assertEquals(DropReason.CONNTRACK_FULL, DropReason.byName("conntrack-full"));
        for (DropReason r : DropReason.values()) assertTrue(r.reasonName().matches("[a-z]+(-[a-z]+)*"), r.reasonName());
    }
}
