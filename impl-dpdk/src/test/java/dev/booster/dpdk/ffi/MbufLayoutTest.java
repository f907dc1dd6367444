package dev.booster.dpdk.ffi;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The struct offsets the bindings hard-code, against what gcc makes of the installed DPDK headers (libdpdk-dev):
 * a layout change in another DPDK build would show here rather than as corrupted packets.
 */
class MbufLayoutTest {
    private static final Path HEADERS = Path.of("/usr/include/dpdk/rte_mbuf_core.h");

    static Map<String, Long> javaLayout() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sizeof(struct rte_mbuf)", (long) RteMbuf.MBUF_BYTES);
        m.put("rte_mbuf.buf_addr", RteMbuf.BUF_ADDR);
        m.put("rte_mbuf.data_off", RteMbuf.DATA_OFF);
        m.put("rte_mbuf.refcnt", RteMbuf.REFCNT);
        m.put("rte_mbuf.nb_segs", RteMbuf.NB_SEGS);
        m.put("rte_mbuf.port", RteMbuf.PORT);
        m.put("rte_mbuf.ol_flags", RteMbuf.OL_FLAGS);
        m.put("rte_mbuf.packet_type", RteMbuf.PACKET_TYPE);
        m.put("rte_mbuf.pkt_len", RteMbuf.PKT_LEN);
        m.put("rte_mbuf.data_len", RteMbuf.DATA_LEN);
        m.put("rte_mbuf.vlan_tci", RteMbuf.VLAN_TCI);
        m.put("rte_mbuf.buf_len", RteMbuf.BUF_LEN);
        m.put("rte_mbuf.pool", RteMbuf.POOL);
        m.put("rte_mbuf.next", RteMbuf.NEXT);
        m.put("rte_mbuf.tx_offload", RteMbuf.TX_OFFLOAD);
        m.put("RTE_PKTMBUF_HEADROOM", (long) RteMbuf.PKTMBUF_HEADROOM);
        m.put("RTE_MBUF_PORT_INVALID", (long) RteMbuf.PORT_INVALID);
        m.put("sizeof(struct rte_eth_fp_ops)", RteEthdev.FP_OPS_BYTES);
        m.put("rte_eth_fp_ops.rx_pkt_burst", RteEthdev.FP_RX_PKT_BURST);
        m.put("rte_eth_fp_ops.rxq", RteEthdev.FP_RXQ_DATA);
        m.put("rte_eth_fp_ops.tx_pkt_burst", RteEthdev.FP_TX_PKT_BURST);
        m.put("rte_eth_fp_ops.txq", RteEthdev.FP_TXQ_DATA);
        m.put("RTE_MAX_ETHPORTS", (long) RteEthdev.MAX_ETHPORTS);
        m.put("RTE_MAX_QUEUES_PER_PORT", (long) RteEthdev.MAX_QUEUES_PER_PORT);
        m.put("sizeof(struct rte_eth_conf)", RteEthdev.ETH_CONF_BYTES);
        m.put("sizeof(struct rte_eth_stats)", RteEthdev.ETH_STATS_BYTES);
        m.put("rte_eth_stats.imissed", RteEthdev.STATS_IMISSED);
        m.put("rte_eth_stats.rx_nombuf", RteEthdev.STATS_RX_NOMBUF);
        m.put("rte_mempool.size", RteMempool.MEMPOOL_SIZE);
        m.put("rte_mempool.ops_index", RteMempool.MEMPOOL_OPS_INDEX);
        m.put("sizeof(struct rte_mempool)", RteMempool.MEMPOOL_BYTES);
        m.put("rte_mempool_ops_table.ops", RteMempool.OPS_TABLE_OPS);
        m.put("sizeof(struct rte_mempool_ops)", RteMempool.OPS_BYTES);
        m.put("rte_mempool_ops.dequeue", RteMempool.OPS_DEQUEUE);
        m.put("RTE_MEMPOOL_MAX_OPS_IDX", (long) RteMempool.MAX_OPS_IDX);
        m.put("rte_mempool_memhdr.addr", RteMempool.MEMHDR_ADDR);
        m.put("rte_mempool_memhdr.len", RteMempool.MEMHDR_LEN);
        m.put("rte_malloc_socket_stats.heap_allocsz_bytes", RteEal.MALLOC_STATS_ALLOCATED_BYTES);
        m.put("rte_malloc_socket_stats.alloc_count", RteEal.MALLOC_STATS_ALLOC_COUNT);
        return m;
    }

    /** A C program printing each entry of {@link #javaLayout()} as "name value". */
    private static String program() {
        StringBuilder c = new StringBuilder("""
                #include <stdio.h>
                #include <stddef.h>
                #include <rte_mbuf.h>
                #include <rte_ethdev.h>
                #include <rte_mempool.h>
                #include <rte_malloc.h>
                int main(void) {
                """);
        for (String name : javaLayout().keySet()) {
            String expression;
            if (name.startsWith("sizeof(")) {
                expression = name;
            } else if (name.contains(".")) {
                String[] parts = name.split("\\.");
                expression = "offsetof(struct " + parts[0] + ", " + parts[1] + ")";
            } else {
                expression = name;
            }
            c.append("    printf(\"%s %lld\\n\", \"").append(name).append("\", (long long) (").append(expression).append("));\n");
        }
        return c.append("    return 0;\n}\n").toString();
    }

    @Test
    void offsetsAreTheInstalledHeaders(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.exists(HEADERS), "DPDK headers are not installed (apt-get install libdpdk-dev)");
        Path source = dir.resolve("layout.c");
        Files.writeString(source, program());
        Path binary = dir.resolve("layout");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-I/usr/include/dpdk", "-I/usr/include/x86_64-linux-gnu/dpdk", "-march=corei7",
                    source.toString(), "-o", binary.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException noGcc) {
            Assumptions.abort("gcc is not installed: " + noGcc.getMessage());
            return;
        }
        String compileOutput = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, gcc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, gcc.exitValue(), compileOutput);
        Process run = new ProcessBuilder(binary.toString()).start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        run.waitFor(10, TimeUnit.SECONDS);
        Map<String, Long> fromC = new TreeMap<>();
        for (String line : output.strip().split("\n")) {
            int space = line.lastIndexOf(' ');
            fromC.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
        }
        assertEquals(fromC, new TreeMap<>(javaLayout()));
    }
}
