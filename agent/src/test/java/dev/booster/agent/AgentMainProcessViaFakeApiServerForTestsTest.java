package dev.booster.agent;

import dev.booster.agent.state.StateFile;
import dev.booster.agent.testing.Eventually;
import dev.booster.agent.testing.FakeApiServerForTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link AgentMain} as a process, as the DaemonSet runs it: flags and environment, a kubeconfig naming
 * {@code FakeApiServerForTests}, ready over HTTP, and SIGTERM closing it with its state saved.
 */
class AgentMainProcessViaFakeApiServerForTestsTest {
    private final FakeApiServerForTests api = FakeApiServerForTests.start();
    private final HttpClient http = HttpClient.newHttpClient();
    private Process process;
    @TempDir
    Path dir;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        api.close();
        http.close();
    }

    private ProcessBuilder agent(String... args) throws IOException {
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: fake
                  cluster:
                    server: %s
                contexts:
                - name: fake
                  context:
                    cluster: fake
                    user: nobody
                current-context: fake
                users:
                - name: nobody
                  user: {}
                """.formatted(api.url()));
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), AgentMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("NODE_NAME", "node-main");
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment().put("BOOSTER_PROVIDER", "memory");
        pb.environment().put("BOOSTER_STATE_DIR", dir.resolve("state").toString());
        pb.environment().put("BOOSTER_CNI_SOCKET", dir.resolve("cni.sock").toString());
        return pb;
    }

    @Test
    void startsFromEnvironmentAndFlagsServesReadinessAndSavesItsStateOnSigterm() throws IOException, InterruptedException {
        process = agent("--health-address", "127.0.0.1:0").start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Pattern ready = Pattern.compile("booster agent: node node-main, provider memory, CNI socket (\\S+), health \\S*:(\\d+)");
        StringBuilder seen = new StringBuilder();
        Matcher m = null;
        for (String line; m == null && (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher candidate = ready.matcher(line);
            if (candidate.find()) m = candidate;
        }
        assertNotNull(m, "the agent ended before it said it runs:\n" + seen);
        assertEquals(dir.resolve("cni.sock").toString(), m.group(1));
        URI readyz = URI.create("http://127.0.0.1:" + m.group(2) + "/readyz");
        Thread drain = Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
        Eventually.await(() -> {
            try {
                return http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }, () -> "not ready");
        assertTrue(Files.exists(dir.resolve("cni.sock")), "the CNI server listens");

        process.destroy(); // SIGTERM
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "SIGTERM ends the agent");
        drain.join(5000);
        assertTrue(Files.exists(dir.resolve("state").resolve(StateFile.FILE_NAME)), "the state was saved");
        assertFalse(Files.exists(dir.resolve("cni.sock")), "the CNI socket was removed");
    }

    @Test
    void aMissingNodeNameIsAUsageErrorThatSaysWhatToSet() throws IOException, InterruptedException {
        ProcessBuilder pb = agent();
        pb.environment().remove("NODE_NAME");
        process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.contains("set NODE_NAME"), output);
    }
}
