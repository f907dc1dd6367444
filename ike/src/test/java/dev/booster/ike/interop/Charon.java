package dev.booster.ike.interop;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * strongSwan's charon in its own network namespace, configured from a temporary directory: its own strongswan.conf
 * (through STRONGSWAN_CONF), a vici socket there, a private /run so its fixed pid file cannot clash with another
 * charon, kernel-libipsec for ESP (this kernel has no ESP), and a level-4 log that prints keys — test use only.
 */
final class Charon implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/lib/ipsec/charon");
    private static final List<String> PACKAGES = List.of("strongswan-charon", "libcharon-extra-plugins", "strongswan-swanctl");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final Process process;

    private Charon(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /** Skips the test (saying why) unless charon and swanctl are here; as root, installs the Debian packages first. */
    static void assumeInstalled() {
        if (Files.isExecutable(BINARY) && onPath("swanctl")) return;
        if (!"0".equals(uid())) skip("strongSwan is not installed and we are not root (apt-get install " + String.join(" ", PACKAGES) + ")");
        System.out.println("strongSwan interop: installing " + PACKAGES + " with apt-get");
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        install.addAll(PACKAGES);
        if (run(install, Duration.ofMinutes(5)).exit() != 0) {
            run(List.of("apt-get", "update", "-q"), Duration.ofMinutes(5));
            Result second = run(install, Duration.ofMinutes(5));
            if (second.exit() != 0) skip("apt-get install " + PACKAGES + " failed: " + second.output());
        }
        if (!Files.isExecutable(BINARY)) skip(BINARY + " is still missing after installing " + PACKAGES);
    }

    static Charon start(String netns, Path dir) throws IOException {
        Files.writeString(dir.resolve("strongswan.conf"), """
                charon {
                  load = random nonce aes sha2 hmac gcm gmp openssl kdf pem pkcs1 x509 pubkey kernel-libipsec kernel-netlink socket-default vici
                  install_routes = no
                  install_virtual_ip = no
                  retransmit_timeout = 1
                  retransmit_tries = 2
                  filelog {
                    booster {
                      path = %1$s/charon.log
                      default = 1
                      ike = 4
                      chd = 4
                      cfg = 2
                      flush_line = yes
                      time_format = %%T
                    }
                  }
                  plugins {
                    vici {
                      socket = unix://%1$s/charon.vici
                    }
                    kernel-libipsec {
                      # plain ESP (protocol 50) through a raw socket; without it libipsec insists on UDP encapsulation
                      raw_esp = yes
                    }
                  }
                }
                swanctl {
                  socket = unix://%1$s/charon.vici
                }
                """.formatted(dir));
        ProcessBuilder builder = new ProcessBuilder("ip", "netns", "exec", netns, "sh", "-c", "mount -t tmpfs booster-ike /run && exec " + BINARY)
                .redirectErrorStream(true).redirectOutput(dir.resolve("charon.stdout").toFile());
        builder.environment().put("STRONGSWAN_CONF", dir.resolve("strongswan.conf").toString());
        Charon charon = new Charon(dir, builder.start());
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!Files.exists(dir.resolve("charon.vici"))) {
            if (!charon.process.isAlive() || System.nanoTime() > deadline) {
                String output = Files.exists(dir.resolve("charon.stdout")) ? Files.readString(dir.resolve("charon.stdout")) : "";
                charon.close();
                throw new IllegalStateException("charon did not start: " + output);
            }
            sleep(50);
        }
        return charon;
    }

    /** Loads {@code swanctl.conf} text, replacing every connection and secret loaded before. */
    void load(String swanctlConf) throws IOException {
        Path file = dir.resolve("swanctl.conf");
        Files.writeString(file, swanctlConf);
        Result result = swanctl("--load-all", "--clear", "--file", file.toString());
        if (result.exit() != 0) throw new IllegalStateException("swanctl --load-all failed: " + result.output());
    }

    Result swanctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("swanctl"));
        command.addAll(List.of(arguments));
        return run(command, COMMAND_TIMEOUT, dir.resolve("strongswan.conf"));
    }

    /** {@code swanctl --list-sas --raw}: one line per IKE SA. */
    String listSas() {
        return swanctl("--list-sas", "--raw").output().lines().filter(line -> !line.startsWith("plugin '")).collect(java.util.stream.Collectors.joining("\n"));
    }

    /** Everything charon logged so far. */
    String log() throws IOException {
        Path log = dir.resolve("charon.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    /** The hex dumps charon logged at level 4 under {@code label}, e.g. "encryption initiator key", in order. */
    List<byte[]> loggedSecrets(String label) throws IOException {
        List<byte[]> found = new ArrayList<>();
        Pattern start = Pattern.compile("\\] " + Pattern.quote(label) + " => (\\d+) bytes @");
        Pattern row = Pattern.compile("\\]\\s+\\d+: ((?:[0-9A-F]{2} )+)");
        List<String> lines = log().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher header = start.matcher(lines.get(i));
            if (!header.find()) continue;
            int length = Integer.parseInt(header.group(1));
            StringBuilder hex = new StringBuilder();
            for (int j = i + 1; j < lines.size() && hex.length() < 2 * length; j++) {
                Matcher data = row.matcher(lines.get(j));
                if (!data.find()) break;
                hex.append(data.group(1).replace(" ", ""));
            }
            found.add(HexFormat.of().parseHex(hex.substring(0, 2 * length)));
        }
        return found;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
        }
    }

    record Result(int exit, String output) {
    }

    static Result run(List<String> command, Duration timeout) {
        return run(command, timeout, null);
    }

    private static Result run(List<String> command, Duration timeout, Path strongswanConf) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (strongswanConf != null) builder.environment().put("STRONGSWAN_CONF", strongswanConf.toString());
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process process = builder.start();
            byte[][] output = new byte[1][];
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    output[0] = process.getInputStream().readAllBytes();
                } catch (IOException e) {
                    output[0] = e.toString().getBytes(StandardCharsets.UTF_8);
                }
            });
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                reader.join(5000);
                return new Result(-1, "timed out after " + timeout + ": " + command);
            }
            reader.join(5000);
            return new Result(process.exitValue(), output[0] == null ? "" : new String(output[0], StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, command + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    static String uid() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .map(l -> l.split("\\s+")[1]).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    static boolean onPath(String tool) {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(directory, tool))) return true;
        }
        return false;
    }

    static void skip(String reason) {
        System.out.println("SKIPPED strongSwan interop: " + reason);
        Assumptions.abort(reason);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
