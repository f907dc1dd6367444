package dev.booster.engine.node;

import dev.booster.engine.state.Adjacencies;
import dev.booster.engine.state.ForwardingState;

/** Trace text shared by the lookup nodes. */
final class Lookups {
    private Lookups() {
    }

    static String describe(int adjacency, ForwardingState state) {
        if (adjacency < 0) return "no route";
        if (adjacency >= state.adjacencies().size()) return "adjacency " + adjacency;
        int out = state.adjacencies().interfaceOf(adjacency);
        if (out == Adjacencies.DISCARD) return "adjacency " + adjacency + ": discard route";
        String name = state.interfaces().present(out) ? state.interfaces().name(out) : "#" + out;
        return "adjacency " + adjacency + " -> " + name;
    }
}
