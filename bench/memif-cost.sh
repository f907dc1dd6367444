#!/usr/bin/env bash
# CPU cost per frame of each memif implementation on one core, without cross-core traffic or the scheduler's say in
# when two processes run together (what bench/memif-vs-testpmd.sh cannot separate on a shared machine):
#   Booster: MemifLoopCost, one thread doing the generator's and the sink's work over a master and a slave in one JVM
#            (txAcquire, copy a 64-byte frame in, txBurst; rxBurst, read 8 bytes of each frame, release);
#   testpmd: one forwarding lcore, io forwarding between two net_memif ports connected to each other (server and
#            client on one socket), a few bursts sent first (--tx-first) and then passed round and round: per frame,
#            a memif TX (copy from the mbuf into shared memory, mbuf freed) and a memif RX (mbuf allocated, copy out).
# Both pinned to CPU 0; each reports CPU time (user + system of the process) per frame over SECONDS_MEASURED seconds
# after WARMUP seconds. Run as root (testpmd) from anywhere: bench/memif-cost.sh. Takes /tmp/booster-bench.lock.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WARMUP=${WARMUP:-8}
MEASURE=${SECONDS_MEASURED:-8}
JAR=$ROOT/bench/target/benchmarks.jar
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
HZ=$(getconf CLK_TCK)
say() { printf 'bench: %s\n' "$*" >&2; }

if [ -z "${BOOSTER_BENCH_LOCKED:-}" ]; then
  if [ -z "${SKIP_BUILD:-}" ] && { [ ! -f "$JAR" ] || [ -n "$(find "$ROOT"/{api,memif,bench}/src/main "$ROOT"/bench/pom.xml -newer "$JAR" -type f | head -n1)" ]; }; then
    say "building $JAR"
    (cd "$ROOT" && JAVA_HOME=$JAVA_HOME ./mvnw -q -B -o -pl bench -am -Pbenchmarks -DskipTests package)
  fi
  say "waiting for /tmp/booster-bench.lock (no two benchmarks at once)"
  exec env BOOSTER_BENCH_LOCKED=1 flock /tmp/booster-bench.lock "$0" "$@"
fi

WORK=$(mktemp -d /tmp/bstmemifcost.XXXXXX)
PREFIX=bstmemifcost-$$
PID=
cleanup() {
  set +e
  if [ -n "$PID" ]; then kill -INT "$PID" 2>/dev/null; sleep 1; kill -KILL "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  rm -rf "/var/run/dpdk/$PREFIX" "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# measure <pid> <log> <label> <reports per second>: CPU ns per frame and frames/s over the window, from the rates the
# log gained meanwhile (testpmd prints one Rx-pps line per port, and every frame is received once per lap on each)
measure() {
  local pid=$1 log=$2 label=$3 c0 c1 t0 t1 r0 r1
  sleep "$WARMUP"
  c0=$(cpu_ticks "$pid"); t0=$(date +%s%N); r0=$(grep -a -c "$label:" "$log" || true)
  sleep "$MEASURE"
  c1=$(cpu_ticks "$pid"); t1=$(date +%s%N); r1=$(grep -a -c "$label:" "$log" || true)
  grep -a -o "$label: *[0-9]*" "$log" | awk -v a="$r0" -v b="$r1" -v per="$4" -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$HZ" '
    NR > a && NR <= b { sum += $2; n++ }
    END {
      if (n < per) { print "no rate reports"; exit 1 }
      rate = sum / (n / per); share = (c1 - c0) / hz / ((t1 - t0) / 1e9)
      printf "%12d frames/s  %5.2f of a core  %6.1f CPU ns per frame\n", rate, share, share * 1e9 / rate
    }'
}

load_before=$(uptime | sed 's/.*load average: //')
printf 'Booster  (MemifLoopCost, generator slave):   '
taskset -c 0 "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xms128m -Xmx128m \
  -cp "$JAR" dev.booster.bench.memif.MemifLoopCost slave $((WARMUP + MEASURE + 3)) >"$WORK/java.log" 2>&1 &
PID=$!
measure "$PID" "$WORK/java.log" Loop-pps 1
kill -INT "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; PID=

printf 'testpmd  (io fwd, net_memif0 <-> net_memif1): '
dpdk-testpmd -l 0,1 --main-lcore 1 --no-huge -m 512 --no-pci --file-prefix "$PREFIX" \
  --vdev="net_memif0,role=server,socket=$WORK/tp.sock,socket-abstract=no" \
  --vdev="net_memif1,role=client,socket=$WORK/tp.sock,socket-abstract=no" \
  -- --forward-mode=io --nb-cores=1 --rxq=1 --txq=1 --burst=32 --total-num-mbufs=16384 --auto-start --tx-first \
     --stats-period 1 >"$WORK/testpmd.log" 2>&1 &
PID=$!
measure "$PID" "$WORK/testpmd.log" Rx-pps 2
printf '\nload average before: %s; after: %s\n' "$load_before" "$(uptime | sed 's/.*load average: //')"
