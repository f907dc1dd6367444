package dev.booster.cni;

import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.spi.Dataplanes;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A CNI server on its own: opens a dataplane, serves {@link BoosterCni} on a socket, prints {@code ready}, and on
 * SIGTERM/SIGINT detaches everything and removes the socket. The node agent embeds {@link CniServer} instead; this
 * is for benchmarks and trying the plugin by hand.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... dev.booster.cni.CniServerMain --provider afxdp --socket /run/booster/cni.sock [--option afxdp.idle=poll] [--timings]
 * </pre>
 */
public final class CniServerMain {
    private CniServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path socket = CniServer.DEFAULT_SOCKET;
        DataplaneConfig.Builder config = DataplaneConfig.builder();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--timings" -> {
                    logTimings();
                    continue;
                }
                case "--socket" -> socket = Path.of(required(args[i], value));
                case "--provider" -> config.provider(required(args[i], value));
                case "--option" -> {
                    String kv = required(args[i], value);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) throw new IllegalArgumentException("--option takes KEY=VALUE, got " + kv);
                    config.option(kv.substring(0, eq), kv.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; use --provider NAME --socket PATH --option KEY=VALUE");
            }
            i++;
        }
        Dataplane dp = Dataplanes.open(config.build());
        CniServer server = CniServer.start(socket, BoosterCni.builder(dp).build()::handle);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            dp.close();
            stopped.countDown();
        }));
        System.out.println("ready: provider " + dp.provider() + ", socket " + socket);
        System.out.flush();
        stopped.await();
    }

    /** Prints BoosterCni's per-request phase times (its DEBUG log: "ADD c/eth0: ipam 4.1 ms, attach 38.0 ms"). */
    private static void logTimings() {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(BoosterCni.class.getName());
        java.util.logging.ConsoleHandler handler = new java.util.logging.ConsoleHandler();
        handler.setLevel(java.util.logging.Level.FINE);
        handler.setFormatter(new java.util.logging.Formatter() {
            @Override
            public String format(java.util.logging.LogRecord r) {
                return "timing " + r.getMessage() + System.lineSeparator();
            }
        });
        logger.setLevel(java.util.logging.Level.FINE);
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
        TIMING_LOGGER.set(logger);
    }

    /** Held so the configured logger is not collected (JUL keeps loggers weakly). */
    private static final java.util.concurrent.atomic.AtomicReference<java.util.logging.Logger> TIMING_LOGGER = new java.util.concurrent.atomic.AtomicReference<>();

    private static String required(String flag, String value) {
        if (value == null) throw new IllegalArgumentException(flag + " needs a value");
        return value;
    }
}
