package dev.booster.ike;

import dev.booster.api.Secret;
import dev.booster.api.net.IpAddress;
import dev.booster.ike.testing.Recorder;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static dev.booster.ike.LoopbackIkeTest.FAST;
import static dev.booster.ike.LoopbackIkeTest.WAIT;
import static dev.booster.ike.LoopbackIkeTest.done;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PSK and the derived keys appear in no log line (at any level), no toString, no error. */
class SecretsNeverShowTest {
    private static final String PSK_TEXT = "s3cr3t-psk-that-must-not-leak";

    @Test
    void noLogLineOrTextHoldsThePskOrAKey() {
        List<String> lines = new ArrayList<>();
        Logger logger = Logger.getLogger("dev.booster.ike");
        Level previous = logger.getLevel();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (lines) {
                    lines.add(record.getMessage() + (record.getThrown() == null ? "" : " " + record.getThrown()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        try (IkeDaemon alice = IkeDaemon.builder().settings(FAST).childSaListener(a).eventListener(a).bind(new InetSocketAddress("127.0.0.1", 0));
             IkeDaemon bob = IkeDaemon.builder().settings(FAST).childSaListener(b).eventListener(b).bind(new InetSocketAddress("127.0.0.2", 0))) {
            PeerConfig toBob = PeerConfig.builder("bob").remote(IpAddress.parse("127.0.0.2"), bob.localAddress().getPort())
                    .psk(Secret.ofString(PSK_TEXT)).localTs(TrafficSelector.of("10.1.0.0/16")).remoteTs(TrafficSelector.of("10.2.0.0/16")).build();
            alice.addPeer(toBob);
            bob.addPeer(PeerConfig.builder("alice").remote(IpAddress.parse("127.0.0.1"), alice.localAddress().getPort())
                    .psk(Secret.ofString(PSK_TEXT + "-but-wrong-at-first")).localTs(TrafficSelector.of("10.2.0.0/16"))
                    .remoteTs(TrafficSelector.of("10.1.0.0/16")).build());
            String failure = alice.initiate("bob").handle((ok, error) -> String.valueOf(error)).join();
            bob.addPeer(PeerConfig.builder("alice").remote(IpAddress.parse("127.0.0.1"), alice.localAddress().getPort())
                    .psk(Secret.ofString(PSK_TEXT)).localTs(TrafficSelector.of("10.2.0.0/16")).remoteTs(TrafficSelector.of("10.1.0.0/16")).build());
            done(alice.initiate("bob"));
            done(alice.rekeyChildSa("bob"));
            done(alice.rekeyIkeSa("bob"));
            ChildSa sample = a.await(Recorder.Installed.class, WAIT).out();

            List<String> texts = new ArrayList<>();
            synchronized (lines) {
                texts.addAll(lines);
            }
            texts.add(failure);
            texts.add(toBob.toString());
            a.events().forEach(event -> texts.add(event.toString()));
            b.events().forEach(event -> texts.add(event.toString()));
            assertTrue(texts.size() > 20, "the run logged: " + texts.size());
            List<String> secrets = new ArrayList<>(List.of(PSK_TEXT, HexFormat.of().formatHex(PSK_TEXT.getBytes(StandardCharsets.US_ASCII))));
            for (Recorder.Installed installed : a.events(Recorder.Installed.class)) {
                secrets.add(HexFormat.of().formatHex(installed.out().key()));
                secrets.add(HexFormat.of().formatHex(installed.in().key()));
            }
            for (Recorder.InboundAdded added : a.events(Recorder.InboundAdded.class)) secrets.add(HexFormat.of().formatHex(added.in().key()));
            for (String text : texts) {
                for (String secret : secrets) assertFalse(text.toLowerCase().contains(secret.toLowerCase()), "leaked in: " + text);
            }
            assertTrue(sample.toString().contains("redacted"));
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(previous);
        }
    }
}
