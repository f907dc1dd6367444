package dev.booster.afxdp.ffi;

import dev.booster.host.ffi.NativeCallException;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LibraryLogTest {
    @Test
    void warningsStayWarningsAndNotesBecomeDebug() {
        assertEquals(System.Logger.Level.WARNING, LibraryLog.levelOf(LibraryLog.WARN));
        assertEquals(System.Logger.Level.DEBUG, LibraryLog.levelOf(LibraryLog.INFO));
        assertEquals(System.Logger.Level.TRACE, LibraryLog.levelOf(LibraryLog.DEBUG));
    }

    /** libbpf's own complaint about a file that is no BPF object arrives in the logger, formatted, instead of on stderr. */
    @Test
    void libbpfsMessagesReachTheLogger() {
        assumeTrue(Libbpf.unavailableReason().isEmpty(), () -> "libbpf is not installed: " + Libbpf.unavailableReason().orElseThrow());
        Logger jul = Logger.getLogger(LibraryLog.LIBBPF_LOGGER);
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level levelBefore = jul.getLevel();
        boolean parentsBefore = jul.getUseParentHandlers();
        jul.addHandler(capture);
        jul.setLevel(Level.ALL);
        jul.setUseParentHandlers(false);
        try {
            assertThrows(NativeCallException.class, () -> Libbpf.load().objectOpenFile("/etc/hostname"));
        } finally {
            jul.removeHandler(capture);
            jul.setLevel(levelBefore);
            jul.setUseParentHandlers(parentsBefore);
        }
        assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.WARNING && r.getMessage().contains("/etc/hostname")),
                () -> "records: " + records.stream().map(r -> r.getLevel() + " " + r.getMessage()).toList());
        assertTrue(records.stream().noneMatch(r -> r.getMessage().endsWith("\n")), "trailing newlines are stripped");
    }
}
