package dev.booster.engine.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The nodes of the packet path, built once and immutable. Nodes are numbered in the order they were added; the worker
 * visits them in that order, so adding them upstream first lets most packets cross the graph in one pass.
 */
public final class Graph {
    private final List<Node> nodes;
    private final Map<String, Integer> indexByName;
    private final int entry;

    private Graph(List<Node> nodes, Map<String, Integer> indexByName, int entry) {
        this.nodes = nodes;
        this.indexByName = indexByName;
        this.entry = entry;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int size() {
        return nodes.size();
    }

    public Node node(int index) {
        return nodes.get(index);
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** The node received packets go to first. */
    public int entry() {
        return entry;
    }

    public int index(String name) {
        Integer i = indexByName.get(name);
        if (i == null) throw new IllegalArgumentException("graph has no node \"" + name + "\"; nodes: " + indexByName.keySet());
        return i;
    }

    /** Resolves next-node names to indices while nodes are being created. */
    @FunctionalInterface
    public interface Wiring {
        int index(String nodeName);
    }

    public static final class Builder {
        private final Map<String, Function<Wiring, Node>> factories = new LinkedHashMap<>();

        private Builder() {
        }

        /** Adds a node; {@code factory} gets the wiring to look up the nodes it sends packets to. */
        public Builder add(String name, Function<Wiring, Node> factory) {
            if (factories.putIfAbsent(name, factory) != null) throw new IllegalArgumentException("node \"" + name + "\" is added twice");
            return this;
        }

        public Graph build(String entryName) {
            Map<String, Integer> indexByName = new LinkedHashMap<>();
            for (String name : factories.keySet()) indexByName.put(name, indexByName.size());
            Wiring wiring = name -> {
                Integer i = indexByName.get(name);
                if (i == null) throw new IllegalArgumentException("a node sends packets to \"" + name + "\", which is not in the graph");
                return i;
            };
            List<Node> nodes = new ArrayList<>();
            for (Map.Entry<String, Function<Wiring, Node>> e : factories.entrySet()) {
                Node node = e.getValue().apply(wiring);
                if (!node.name().equals(e.getKey())) {
                    throw new IllegalArgumentException("node added as \"" + e.getKey() + "\" calls itself \"" + node.name() + "\"");
                }
                node.bind(nodes.size());
                nodes.add(node);
            }
            Integer entry = indexByName.get(entryName);
            if (entry == null) throw new IllegalArgumentException("entry node \"" + entryName + "\" is not in the graph");
            return new Graph(Collections.unmodifiableList(nodes), Map.copyOf(indexByName), entry);
        }
    }
}
