#!/usr/bin/env bash
# Packets per second from pod A to pod B through (1) Booster's dpdk provider (one engine worker, a net_af_packet port
# on each pod's host veth end) and (2) dpdk-testpmd io-forwarding between two net_af_packet vdevs on the same kind of
# host-side veth ends. Same namespaces, same generator (trafgen from netsniff-ng blasting 64-byte UDP frames from A's
# eth0), same count (B's eth0 rx_packets). RUNS=n repeats both measurements n times, alternating.
# Run as root from anywhere: bench/dpdk-vs-testpmd.sh   (about a minute per run; WARMUP/SECONDS_MEASURED override the times)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WARMUP=${WARMUP:-3}
MEASURE=${SECONDS_MEASURED:-10}
RUNS=${RUNS:-1}
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
  rm -rf "/var/run/dpdk/tpbench$ID"
  [ -n "$JAVA_PID" ] && kill -TERM "$JAVA_PID" 2>/dev/null && wait "$JAVA_PID" 2>/dev/null
  ip link del "$TP_A" 2>/dev/null
  ip link del "$TP_B" 2>/dev/null
  ip netns del "$NS_A" 2>/dev/null
  ip netns del "$NS_B" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" -eq 0 ] || { say "needs root (namespaces, veths, packet sockets)"; exit 1; }
nproc_=$(nproc)
[ "$nproc_" -ge 2 ] || { say "needs 2 CPUs (generator and forwarder on separate cores), found $nproc_"; exit 1; }

need=()
command -v trafgen >/dev/null || need+=(netsniff-ng)
command -v dpdk-testpmd >/dev/null || need+=(dpdk)
command -v ip >/dev/null || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cd "$ROOT"
JAVA_HOME=${JAVA_HOME:-$(ls -d /usr/lib/jvm/temurin-25-jdk-* 2>/dev/null | head -n1)}
export JAVA_HOME
# impl-dpdk's jar and its runtime class path (the reactor resolves the sibling modules to their jars).
./mvnw -q -B -o -pl impl-dpdk -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=runtime >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
CP="$(ls impl-dpdk/target/booster-impl-dpdk-*.jar | grep -v -e sources -e javadoc -e tests | head -n1):$(cat "$WORK/cp.txt")"

ip netns add "$NS_A"
ip netns add "$NS_B"
ip netns exec "$NS_A" sysctl -qw net.ipv6.conf.all.disable_ipv6=0

counter() { ip netns exec "$1" cat "/sys/class/net/eth0/statistics/$2"; }

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

# Runs the generator for WARMUP + MEASURE seconds; prints "offered_pps delivered_pps".
measure() {
  write_trafgen_conf "$(ip netns exec "$NS_A" cat /sys/class/net/eth0/address)" ee:ee:ee:ee:ee:ee
  # Its own session, so the whole group (trafgen forks a worker per CPU) can be stopped at once.
  setsid ip netns exec "$NS_A" taskset -c $GEN_CPU trafgen --dev eth0 --conf "$WORK/udp64.cfg" --cpus 1 --no-sock-mem -q >"$WORK/trafgen.log" 2>&1 &
  GEN_PID=$!
  sleep "$WARMUP"
  local tx0 rx0 tx1 rx1
  tx0=$(counter "$NS_A" tx_packets); rx0=$(counter "$NS_B" rx_packets)
  sleep "$MEASURE"
  tx1=$(counter "$NS_A" tx_packets); rx1=$(counter "$NS_B" rx_packets)
  stop_generator
  echo $(( (tx1 - tx0) / MEASURE )) $(( (rx1 - rx0) / MEASURE ))
}

run_booster() {
  taskset -c $FWD_CPU "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" bench/DpdkPods.java "$NS_A" "$NS_B" \
    >"$WORK/booster.log" 2>&1 &
  JAVA_PID=$!
  for _ in $(seq 1 300); do grep -q '^ready' "$WORK/booster.log" && break; kill -0 "$JAVA_PID" || { cat "$WORK/booster.log" >&2; exit 1; }; sleep 0.1; done
  grep -q '^ready' "$WORK/booster.log" || { say "Booster did not get ready:"; cat "$WORK/booster.log" >&2; exit 1; }
  measure >"$WORK/measured"
  kill -TERM "$JAVA_PID"; wait "$JAVA_PID" 2>/dev/null || true; JAVA_PID=
}

run_testpmd() {
  ip link add "$TP_A" type veth peer name eth0 netns "$NS_A"
  ip link add "$TP_B" type veth peer name eth0 netns "$NS_B"
  for ns in "$NS_A" "$NS_B"; do ip -n "$ns" link set eth0 up; done
  ip -n "$NS_A" addr add 10.99.0.1/32 dev eth0
  ip -n "$NS_B" addr add 10.99.0.2/32 dev eth0
  ip link set "$TP_A" up
  ip link set "$TP_B" up
  dpdk-testpmd -l $GEN_CPU,$FWD_CPU --no-huge -m 512 --no-pci --no-telemetry --file-prefix "tpbench$ID" \
    --vdev "net_af_packet0,iface=$TP_A,qpairs=1,qdisc_bypass=1" --vdev "net_af_packet1,iface=$TP_B,qpairs=1,qdisc_bypass=1" \
    -- --forward-mode=io --nb-cores=1 --auto-start --stats-period 1 --total-num-mbufs=16384 >"$WORK/testpmd.log" 2>&1 &
  TP_PID=$!
  for _ in $(seq 1 100); do grep -q 'io packet forwarding' "$WORK/testpmd.log" && break; sleep 0.1; done
  sleep 1
  measure >"$WORK/measured"
  kill -0 "$TP_PID" 2>/dev/null || { say "testpmd ended early:"; tail -20 "$WORK/testpmd.log" >&2; exit 1; }
  kill -INT "$TP_PID"; wait "$TP_PID" 2>/dev/null || true; TP_PID=
  rm -rf "/var/run/dpdk/tpbench$ID"
  # The pods' veths go with their host ends; the next run's forwarder makes its own.
  ip link del "$TP_A"; ip link del "$TP_B"
}

results=()
for run in $(seq 1 "$RUNS"); do
  say "run $run/$RUNS: load $(cut -d' ' -f1-3 /proc/loadavg)"
  say "  Booster dpdk provider (JVM pinned to CPU $FWD_CPU, one engine worker, net_af_packet ports)"
  run_booster
  read -r booster_offered booster_pps <"$WORK/measured"
  say "  dpdk-testpmd io forwarding, net_af_packet on $TP_A and $TP_B (forwarding lcore $FWD_CPU)"
  run_testpmd
  read -r testpmd_offered testpmd_pps <"$WORK/measured"
  ratio=$(awk -v b="$booster_pps" -v t="$testpmd_pps" 'BEGIN { if (t > 0) printf "%.2f", b / t; else print "n/a" }')
  results+=("$run $booster_offered $booster_pps $testpmd_offered $testpmd_pps $ratio $(cut -d' ' -f1 /proc/loadavg)")
done

printf '\n64-byte UDP, pod A -> pod B, %s s measured after %s s warm-up; pps = B eth0 rx_packets per second\n\n' "$MEASURE" "$WARMUP"
printf '%4s %16s %16s %16s %16s %8s %6s\n' run "Booster offered" "Booster pps" "testpmd offered" "testpmd pps" ratio load
for r in "${results[@]}"; do printf '%4s %16s %16s %16s %16s %8s %6s\n' $r; done
printf '\nBooster: dpdk provider, 1 engine worker, 2 x net_af_packet; testpmd: io fwd, 1 forwarding lcore, 2 x net_af_packet\n'
printf 'machine: %s CPUs, %s, kernel %s, %s\n' "$nproc_" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
  "$(uname -r)" "$("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)"
