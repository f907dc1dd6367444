#!/usr/bin/env bash
# Packets per second from pod A to pod B through (1) Booster's afxdp provider (one engine worker) and (2) dpdk-testpmd
# io-forwarding between two net_af_xdp vdevs on the same kind of host-side veth ends. Same namespaces, same generator
# (trafgen from netsniff-ng blasting 64-byte UDP frames from A's eth0), same count (B's eth0 rx_packets).
# Run as root from anywhere: bench/afxdp-vs-testpmd.sh   (about a minute; WARMUP/SECONDS_MEASURED override the times;
# RING=2048 sets the AF_XDP ring sizes of both forwarders (default 512, Booster's default);
# BOOSTER_OPTIONS="afxdp.idle=spin" passes more dataplane options to Booster; SINK=stack lets pod B's IP stack take the
# datagrams instead of dropping them at eth0's ingress, see sink_b; BOOSTER_JVM_OPTIONS adds JVM flags, e.g.
# "-XX:StartFlightRecording=filename=/tmp/afxdp.jfr" to see where the worker's Java time goes)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WARMUP=${WARMUP:-3}
MEASURE=${SECONDS_MEASURED:-10}
RING=${RING:-512}
SINK=${SINK:-drop}
read -r -a JVM_OPTS <<< "${BOOSTER_JVM_OPTIONS:-}"
read -r -a BOOSTER_OPTS <<< "afxdp.ringSize=$RING afxdp.interfaces=4 ${BOOSTER_OPTIONS:-}"
GEN_CPU=0       # trafgen and testpmd's (idle) main lcore
FWD_CPU=1       # Booster's JVM (so its worker) / testpmd's forwarding lcore
ID=$$
NS_A=bstbench-$ID-a
NS_B=bstbench-$ID-b
TP_A=tpa$ID     # testpmd's host ends
TP_B=tpb$ID
WORK=$(mktemp -d /tmp/bstbench.XXXXXX)
JAVA_PID=
GEN_PID=
TP_PID=

say() { printf 'bench: %s\n' "$*" >&2; }

cleanup() {
  set +e
  [ -n "$GEN_PID" ] && stop_generator
  [ -n "$TP_PID" ] && kill -INT "$TP_PID" 2>/dev/null && wait "$TP_PID" 2>/dev/null
  [ -n "$JAVA_PID" ] && kill -TERM "$JAVA_PID" 2>/dev/null && wait "$JAVA_PID" 2>/dev/null
  ip link del "$TP_A" 2>/dev/null
  ip link del "$TP_B" 2>/dev/null
  ip netns del "$NS_A" 2>/dev/null
  ip netns del "$NS_B" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" -eq 0 ] || { say "needs root (namespaces, veths, AF_XDP)"; exit 1; }
nproc_=$(nproc)
[ "$nproc_" -ge 2 ] || { say "needs 2 CPUs (generator and forwarder on separate cores), found $nproc_"; exit 1; }

need=()
command -v trafgen >/dev/null || need+=(netsniff-ng)
command -v dpdk-testpmd >/dev/null || need+=(dpdk)
command -v ip >/dev/null || need+=(iproute2)
[ "$SINK" = stack ] || command -v nft >/dev/null || need+=(nftables)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cd "$ROOT"
./booster version >/dev/null   # builds the cli jar and finds a JDK 25 when needed
JAVA_HOME=${JAVA_HOME:-$(ls -d /usr/lib/jvm/temurin-25-jdk-* 2>/dev/null | head -n1)}
CP="$(ls cli/target/booster-cli-*.jar | grep -v -e sources -e javadoc | head -n1):cli/target/lib/*"

ip netns add "$NS_A"
ip netns add "$NS_B"
ip netns exec "$NS_A" sysctl -qw net.ipv6.conf.all.disable_ipv6=0

counter() { ip netns exec "$1" cat "/sys/class/net/eth0/statistics/$2"; }

# Pod B's eth0 drops every frame at its ingress hook, after counting it in rx_packets, so pod B's kernel does the same
# (little) work for both forwarders and that work, done in softirq on the forwarder's CPU, is not charged to one of them
# only: Booster's frames carry B's MAC and would go up to UDP (and a rate-limited port-unreachable), while testpmd's io
# forwarding keeps the gateway MAC and B's kernel drops them at L2. SINK=stack leaves B's stack as it is.
sink_b() {
  [ "$SINK" = stack ] && return 0
  ip netns exec "$NS_B" nft delete table netdev bstbench 2>/dev/null || true   # the chain of an earlier eth0
  ip netns exec "$NS_B" nft add table netdev bstbench
  ip netns exec "$NS_B" nft add chain netdev bstbench sink '{ type filter hook ingress device eth0 priority 0; policy drop; }'
}

# 60 bytes + FCS = 64 on the wire: Ethernet to the gateway MAC, IPv4 10.99.0.1 -> 10.99.0.2, UDP 9 -> 9, 18 bytes payload.
write_trafgen_conf() {
  local src_mac=$1 dst_mac=$2 bytes
  bytes=$(echo "$src_mac" | sed 's/^/0x/; s/:/, 0x/g')
  cat > "$WORK/udp64.cfg" <<CFG
{
  $(echo "$dst_mac" | sed 's/^/0x/; s/:/, 0x/g'),
  $bytes,
  0x08, 0x00,
  0x45, 0x00, const16(46), const16(1), 0x40, 0x00, 64, 17, csumip(14, 33),
  10, 99, 0, 1,   10, 99, 0, 2,
  const16(9), const16(9), const16(26), const16(0),
  fill(0x00, 18)
}
CFG
}

stop_generator() {
  kill -INT -- "-$GEN_PID" 2>/dev/null || true
  sleep 0.5
  kill -KILL -- "-$GEN_PID" 2>/dev/null || true
  wait "$GEN_PID" 2>/dev/null || true
  GEN_PID=
}

# CPU time, in clock ticks (user + system), of the threads of process $1 whose name matches the regex $2.
thread_cpu() {
  local t total=0
  for t in /proc/"$1"/task/*; do
    grep -qE "$2" "$t/comm" 2>/dev/null || continue
    total=$(( total + $(sed 's/^.*) //' "$t/stat" | awk '{ print $12 + $13 }') ))
  done
  echo "$total"
}

# Runs the generator for WARMUP + MEASURE seconds; prints "offered_pps delivered_pps forwarder_cpu_ticks", the last
# being what the forwarding threads of process $1 (names matching $2) used in the measured seconds.
measure() {
  write_trafgen_conf "$(ip netns exec "$NS_A" cat /sys/class/net/eth0/address)" ee:ee:ee:ee:ee:ee
  # Its own session, so the whole group (trafgen forks a worker per CPU) can be stopped at once.
  setsid ip netns exec "$NS_A" taskset -c $GEN_CPU trafgen --dev eth0 --conf "$WORK/udp64.cfg" --cpus 1 --no-sock-mem -q >"$WORK/trafgen.log" 2>&1 &
  GEN_PID=$!
  sleep "$WARMUP"
  local tx0 rx0 tx1 rx1 cpu0 cpu1
  tx0=$(counter "$NS_A" tx_packets); rx0=$(counter "$NS_B" rx_packets); cpu0=$(thread_cpu "$1" "$2")
  sleep "$MEASURE"
  tx1=$(counter "$NS_A" tx_packets); rx1=$(counter "$NS_B" rx_packets); cpu1=$(thread_cpu "$1" "$2")
  stop_generator
  echo $(( (tx1 - tx0) / MEASURE )) $(( (rx1 - rx0) / MEASURE )) $(( cpu1 - cpu0 ))
}

# "share_of_a_core packets_per_CPU_second" of a forwarder that delivered $1 pps using $2 clock ticks in MEASURE s.
efficiency() {
  awk -v pps="$1" -v ticks="$2" -v hz="$(getconf CLK_TCK)" -v s="$MEASURE" \
    'BEGIN { cpu = ticks / hz; if (cpu > 0) printf "%.0f%% %.0f\n", 100 * cpu / s, pps * s / cpu; else print "n/a n/a" }'
}

say "1/2 Booster afxdp provider (JVM pinned to CPU $FWD_CPU, one engine worker, options ${BOOSTER_OPTS[*]})"
taskset -c $FWD_CPU "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED "${JVM_OPTS[@]}" -cp "$CP" bench/AfXdpPods.java "$NS_A" "$NS_B" \
  "${BOOSTER_OPTS[@]}" >"$WORK/booster.log" 2>&1 &
JAVA_PID=$!
for _ in $(seq 1 300); do grep -q '^ready' "$WORK/booster.log" && break; kill -0 "$JAVA_PID" || { cat "$WORK/booster.log" >&2; exit 1; }; sleep 0.1; done
grep -q '^ready' "$WORK/booster.log" || { say "Booster did not get ready:"; cat "$WORK/booster.log" >&2; exit 1; }
sink_b
read -r booster_offered booster_pps booster_ticks < <(measure "$JAVA_PID" '^booster-worker')
kill -TERM "$JAVA_PID"; wait "$JAVA_PID" 2>/dev/null || true; JAVA_PID=

say "2/2 dpdk-testpmd io forwarding, net_af_xdp on $TP_A and $TP_B (forwarding lcore $FWD_CPU, rings of $RING)"
ip link add "$TP_A" type veth peer name eth0 netns "$NS_A"
ip link add "$TP_B" type veth peer name eth0 netns "$NS_B"
for ns in "$NS_A" "$NS_B"; do ip -n "$ns" link set eth0 up; done
ip -n "$NS_A" addr add 10.99.0.1/32 dev eth0
ip -n "$NS_B" addr add 10.99.0.2/32 dev eth0
ip link set "$TP_A" up
ip link set "$TP_B" up
sink_b
dpdk-testpmd -l $GEN_CPU,$FWD_CPU --no-huge -m 512 --no-pci --vdev "net_af_xdp0,iface=$TP_A" --vdev "net_af_xdp1,iface=$TP_B" \
  -- --forward-mode=io --nb-cores=1 --rxd="$RING" --txd="$RING" --auto-start --stats-period 1 --total-num-mbufs=16384 >"$WORK/testpmd.log" 2>&1 &
TP_PID=$!
for _ in $(seq 1 100); do grep -q 'io packet forwarding' "$WORK/testpmd.log" && break; sleep 0.1; done
sleep 1
read -r testpmd_offered testpmd_pps testpmd_ticks < <(measure "$TP_PID" '^rte-worker')
kill -0 "$TP_PID" 2>/dev/null || { say "testpmd ended early:"; tail -20 "$WORK/testpmd.log" >&2; exit 1; }
kill -INT "$TP_PID"; wait "$TP_PID" 2>/dev/null || true; TP_PID=

ratio=$(awk -v b="$booster_pps" -v t="$testpmd_pps" 'BEGIN { if (t > 0) printf "%.2f", b / t; else print "n/a" }')
printf '\n64-byte UDP, pod A -> pod B, %s s measured after %s s warm-up, AF_XDP rings of %s, B %s; pps = B eth0 rx_packets per second\n\n' \
  "$MEASURE" "$WARMUP" "$RING" "$([ "$SINK" = stack ] && echo 'stack takes the datagrams' || echo 'drops at eth0 ingress')"
read -r booster_share booster_per_cpu < <(efficiency "$booster_pps" "$booster_ticks")
read -r testpmd_share testpmd_per_cpu < <(efficiency "$testpmd_pps" "$testpmd_ticks")
cpu_ratio=$(awk -v b="$booster_per_cpu" -v t="$testpmd_per_cpu" 'BEGIN { if (t > 0 && b > 0) printf "%.2f", b / t; else print "n/a" }')
printf '%-38s %12s %14s %14s %16s\n' "forwarder" "offered pps" "delivered pps" "forwarder CPU" "pkts/CPU-second"
printf '%-38s %12s %14s %14s %16s\n' "Booster afxdp provider (1 worker)" "$booster_offered" "$booster_pps" "$booster_share" "$booster_per_cpu"
printf '%-38s %12s %14s %14s %16s\n' "dpdk-testpmd io fwd, 2 x net_af_xdp" "$testpmd_offered" "$testpmd_pps" "$testpmd_share" "$testpmd_per_cpu"
printf '\nBooster / testpmd: %s delivered, %s per CPU-second of the forwarding thread\n' "$ratio" "$cpu_ratio"
printf '(forwarder CPU: user + system time of the engine worker / the forwarding lcore over the measured seconds, from\n'
printf ' /proc/PID/task/*/stat; it includes the kernel work done in its own sendto/recvfrom/poll calls)\n'
printf '\nBooster (%s), whole run (warm-up included):\n' "${BOOSTER_OPTS[*]}"
grep -E '^(xsk|worker|counters|drops) ' "$WORK/booster.log" | sed 's/^/  /' || true
printf 'machine: %s CPUs, %s, kernel %s, %s\n' "$nproc_" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
  "$(uname -r)" "$("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)"
