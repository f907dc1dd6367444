package dev.booster.cli;

import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code booster demo} as root: the scenario on afxdp with real namespaces, and nothing left behind afterwards. */
@Tag("privileged")
class NetnsDemoPrivilegedTest {

    @Test
    void theDemoRunsOnAfxdpWithRealNamespacesAndCleansUp() throws IOException {
        PrivilegedDemo.assumeNetnsDemo();
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        long started = System.nanoTime();
        int exit;
        try (var o = new PrintStream(out, true, StandardCharsets.UTF_8); var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = new BoosterCli(o, e, Map.of(), Dataplanes::discover).run("demo");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String printed = out.toString(StandardCharsets.UTF_8);

        assertEquals(0, exit, printed + err.toString(StandardCharsets.UTF_8));
        assertTrue(printed.contains("the traffic demo runs on 'afxdp'"), printed);
        assertRow(printed, "frontend -> backend ping \\(IPv4\\)", "failed.*", "policy-deny.*");
        assertRow(printed, "frontend -> backend ping \\(IPv6\\)", "failed.*", "policy-deny.*");
        assertRow(printed, "frontend -> backend TCP/8080", "succeeded", "policy-ingress: allow shop/backend-allow-frontend-8080 ingress\\[0\\].*");
        assertRow(printed, "frontend -> backend TCP/9090", "failed.*", "policy-deny.*");
        assertRow(printed, "intruder -> backend TCP/8080", "failed.*", "policy-deny.*");
        assertRow(printed, "intruder -> frontend TCP/7000", "succeeded", "policy-ingress: allow .*no policy selects the pod.*");
        Matcher denies = Pattern.compile("\n  policy-deny +(\\d+)\n").matcher(printed);
        assertTrue(denies.find() && Long.parseLong(denies.group(1)) >= 4, "each denied attempt is counted: " + printed);
        assertTrue(printed.endsWith("every attempt ended as the policy says\n"), printed);
        assertTrue(seconds < 30, "the demo took " + seconds + " s");

        String pid = String.valueOf(ProcessHandle.current().pid());
        try (Stream<Path> netns = Files.list(Path.of("/var/run/netns"))) {
            List<String> left = netns.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(DemoNamespaces.PREFIX + pid + "-")).toList();
            assertEquals(List.of(), left, "the demo's namespaces are deleted");
        }
        Matcher hostEnds = Pattern.compile("host end (bst[0-9a-f]{10})").matcher(printed);
        int attached = 0;
        while (hostEnds.find()) {
            attached++;
            assertFalse(Files.exists(Path.of("/sys/class/net", hostEnds.group(1))), hostEnds.group(1) + " is deleted");
        }
        assertEquals(3, attached, printed);
    }

    private static void assertRow(String printed, String attempt, String result, String decidedBy) {
        assertTrue(printed.matches("(?s).*\n\\d +" + attempt + " +" + result + " +" + decidedBy + "\n.*"),
                "row '" + attempt + "' ends " + result + ", decided by " + decidedBy + ":\n" + printed);
    }
}
