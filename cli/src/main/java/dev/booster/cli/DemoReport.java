package dev.booster.cli;

import dev.booster.api.Dataplane;
import dev.booster.api.stats.DropCounter;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.api.stats.PolicyHitCounter;
import dev.booster.engine.trace.PacketTrace;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What both traffic demos print: a table of attempts (what was tried, how it ended, which rule decided), then the
 * dataplane's interface counters, drops by reason and policy rule hits.
 */
final class DemoReport {
    private static final String[] HEADER = {"#", "attempt", "result", "decided by"};

    private final List<String[]> rows = new ArrayList<>();
    private int surprises;

    /** Records one attempt; {@code asExpected} false counts it as a surprise. */
    void add(String attempt, String result, String decidedBy, boolean asExpected) {
        rows.add(new String[]{String.valueOf(rows.size() + 1), attempt, result, decidedBy});
        if (!asExpected) surprises++;
    }

    void addSurprise() {
        surprises++;
    }

    /** How many attempts ended otherwise than the scenario expects. */
    int surprises() {
        return surprises;
    }

    /** The step that decided the packet's fate: a drop reason, the policy verdict, or conntrack. */
    static String decision(PacketTrace trace) {
        String policy = null;
        String verdict = null;
        for (PacketTrace.Step step : trace.steps()) {
            if (step.node().equals("error-drop")) return step.text() + (policy != null ? " (" + policy + ")" : "");
            if (step.node().equals("icmp-error")) return step.text();
            if (step.node().startsWith("policy-") && !step.text().contains("skip")) {
                policy = step.node() + ": " + step.text().replaceFirst("endpoint \\d+ by ", "");
            }
            if (step.node().startsWith("conntrack") && step.text().contains("reply")) verdict = step.node() + ": " + step.text();
        }
        if (verdict != null) return verdict;
        return policy != null ? policy : "forwarded (no policy step)";
    }

    void printTable(PrintStream out) {
        int[] width = new int[HEADER.length];
        for (int c = 0; c < HEADER.length; c++) {
            width[c] = HEADER[c].length();
            for (String[] row : rows) width[c] = Math.max(width[c], row[c].length());
        }
        printRow(out, HEADER, width);
        String[] rule = new String[HEADER.length];
        for (int c = 0; c < HEADER.length; c++) rule[c] = "-".repeat(width[c]);
        printRow(out, rule, width);
        for (String[] row : rows) printRow(out, row, width);
        out.println();
    }

    private static void printRow(PrintStream out, String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) sb.append("  ");
            sb.append(c == cells.length - 1 ? cells[c] : String.format("%-" + width[c] + "s", cells[c]));
        }
        out.println(sb);
    }

    static void printCounters(Dataplane dp, PrintStream out) {
        out.println("interface counters:");
        for (InterfaceCounters c : dp.stats().interfaces()) {
            out.printf("  %-22s rx %d pkts / %d B, tx %d pkts / %d B, drops %d%n", c.name(), c.rxPackets(), c.rxBytes(),
                    c.txPackets(), c.txBytes(), c.drops());
        }
        out.println("drops by reason:");
        for (DropCounter d : dp.stats().drops()) out.printf("  %-22s %d%n", d.reason(), d.packets());
        out.println("policy rule hits:");
        for (PolicyHitCounter h : dp.stats().policyHits()) {
            if (h.packets() > 0) {
                out.printf("  %-40s %d pkts%n", (h.policy().isEmpty() ? "(implicit)" : h.policy()) + " " + h.direction().name().toLowerCase()
                        + (h.ruleIndex() >= 0 ? "[" + h.ruleIndex() + "]" : h.ruleIndex() == -1 ? " default deny" : " not isolated"), h.packets());
            }
        }
    }
}
