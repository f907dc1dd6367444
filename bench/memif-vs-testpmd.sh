#!/usr/bin/env bash
# Packets per second over one memif queue pair, 64-byte frames, a generator pinned to CPU 0 and a sink pinned to
# CPU 1, in four configurations, one after the other in one run:
#   (a)  Booster -> Booster    MemifPps generate  ->  MemifPps sink
#   (b1) Booster -> testpmd    MemifPps generate  ->  testpmd rxonly
#   (b2) testpmd -> Booster    testpmd txonly     ->  MemifPps sink
#   (c)  testpmd -> testpmd    testpmd txonly     ->  testpmd rxonly
# The generator is the slave (testpmd role=client), the sink the master (role=server), unless GEN_ROLE=master.
# pps = what the sink received per second: the mean (and median, and best) of its one-second reports over
# SECONDS_MEASURED seconds, after WARMUP seconds of traffic; "offered" is the generator's mean the same way. Beside it:
# each process's share of its core, a Booster side's share of empty polls, and the best millisecond a Booster side saw
# (what the pair moves while both run: on a shared machine the one-second rate mostly measures how often the
# scheduler runs both at once). With ROUNDS > 1, the median over rounds and its ratio to (c).
#
# Run from anywhere: bench/memif-vs-testpmd.sh   (root for testpmd; without root or dpdk-testpmd only (a) runs)
# Environment: WARMUP (3), SECONDS_MEASURED (10), ROUNDS (1: each round runs all four), BURST (32), SKIP_BUILD=1,
# GEN_ROLE (slave: the generator is the memif slave/client, as above; master: it is the master/server and the
# frames go over the master-to-slave ring, into buffers the sink hands out), LOGS (a directory to keep every side's
# output in, as round<N>-<configuration>-gen|sink.log; by default they are deleted), CONFIGS (which of
# "a b1 b2 c" to run), JAVA_OPTS (more options for the Booster sides' JVMs, e.g. a flight recording), JAR (another
# benchmarks.jar to run, e.g. to compare two builds, with SKIP_BUILD=1).
# Builds bench/target/benchmarks.jar when a source is newer, then takes /tmp/booster-bench.lock for the runs.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WARMUP=${WARMUP:-3}
MEASURE=${SECONDS_MEASURED:-10}
ROUNDS=${ROUNDS:-1}
BURST=${BURST:-32}
CONFIGS=${CONFIGS:-a b1 b2 c}
GEN_ROLE=${GEN_ROLE:-slave}   # slave: frames go slave -> master (S2M ring); master: master -> slave (M2S ring)
GEN_CPU=0
SINK_CPU=1
JAR=${JAR:-$ROOT/bench/target/benchmarks.jar}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME

say() { printf 'bench: %s\n' "$*" >&2; }
case $GEN_ROLE in slave|master) ;; *) say "GEN_ROLE is slave or master, not $GEN_ROLE"; exit 1;; esac

if [ -z "${BOOSTER_BENCH_LOCKED:-}" ]; then
  [ "$(nproc)" -ge 2 ] || { say "needs 2 CPUs (generator and sink on separate cores), found $(nproc)"; exit 1; }
  [ -x "$JAVA_HOME/bin/java" ] || { say "no JDK 25 at JAVA_HOME=$JAVA_HOME"; exit 1; }
  if [ -z "${SKIP_BUILD:-}" ] && { [ ! -f "$JAR" ] || [ -n "$(find "$ROOT"/{api,memif,bench}/src/main "$ROOT"/bench/pom.xml -newer "$JAR" -type f | head -n1)" ]; }; then
    say "building $JAR"
    (cd "$ROOT" && ./mvnw -q -B -o -pl bench -am -Pbenchmarks -DskipTests package)
  fi
  say "waiting for /tmp/booster-bench.lock (no two benchmarks at once)"
  exec env BOOSTER_BENCH_LOCKED=1 flock /tmp/booster-bench.lock "$0" "$@"
fi

WITH_TESTPMD=1
if [ "$(id -u)" -ne 0 ]; then WITH_TESTPMD=; say "not root: testpmd configurations skipped"; fi
if ! command -v dpdk-testpmd >/dev/null; then WITH_TESTPMD=; say "dpdk-testpmd not installed (apt-get install dpdk): testpmd configurations skipped"; fi

WORK=$(mktemp -d /tmp/bstmemif.XXXXXX)
PIDS=()
PREFIXES=()

cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill -INT "$pid" 2>/dev/null; done
  sleep 0.5
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  for prefix in "${PREFIXES[@]}"; do rm -rf "/var/run/dpdk/$prefix"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

RUN_SECONDS=$((WARMUP + MEASURE + 2))

java_side() { # java_side generate|sink master|slave socket cpu log
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  taskset -c "$4" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xms128m -Xmx128m ${JAVA_OPTS:-} \
    -cp "$JAR" dev.booster.bench.memif.MemifPps "$1" "$2" "$3" seconds=$((RUN_SECONDS + 30)) burst="$BURST" >"$5" 2>&1 &
  PIDS+=($!)
}

testpmd_side() { # testpmd_side txonly|rxonly client|server socket fwd-cpu log
  local prefix main
  prefix=bstmemif-$$-${#PREFIXES[@]}
  PREFIXES+=("$prefix")
  main=$((1 - $4)) # the main lcore only prints the stats; the forwarding lcore gets the other core
  dpdk-testpmd -l 0,1 --main-lcore "$main" --no-huge -m 512 --no-pci --file-prefix "$prefix" \
    --vdev="net_memif0,role=$2,socket=$3,socket-abstract=no" \
    -- --forward-mode="$1" --nb-cores=1 --rxq=1 --txq=1 --burst="$BURST" --total-num-mbufs=16384 \
       --auto-start --stats-period 1 >"$5" 2>&1 &
  PIDS+=($!)
}

await() { # await <what> <seconds> <command...>: polls the command every 0.1 s
  local what=$1 tries=$(($2 * 10))
  shift 2
  for _ in $(seq 1 "$tries"); do "$@" && return 0; sleep 0.1; done
  say "timed out waiting for $what"
  return 1
}

# A testpmd server's socket file appears at bind(), a moment before listen(); its first statistics come after both.
master_ready() { # master_ready java|testpmd log socket
  if [ "$1" = java ]; then grep -q '^listening on' "$2"; else [ -S "$3" ] && grep -a -q 'Port statistics' "$2"; fi
}

# start_side generate|sink java|testpmd master|slave socket cpu log; a master is waited for until it listens
start_side() {
  local job=$1 who=$2 role=$3 socket=$4 cpu=$5 log=$6
  if [ "$who" = java ]; then
    java_side "$job" "$role" "$socket" "$cpu" "$log"
  else
    local mode=rxonly dpdk_role=client
    [ "$job" = generate ] && mode=txonly
    [ "$role" = master ] && dpdk_role=server
    testpmd_side "$mode" "$dpdk_role" "$socket" "$cpu" "$log"
  fi
  if [ "$role" = master ]; then
    await "the $who $job side ($role) to listen" 60 master_ready "$who" "$log" "$socket" || { tail -n 30 "$log" >&2; return 1; }
  fi
}

HZ=$(getconf CLK_TCK)
load1() { cut -d' ' -f1 /proc/loadavg; }
# user + system CPU time of a process (all its threads), in clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Both sides print a rate once a second, each on its own clock. The window is the harness's: the reports a log
# gained between t0 and t1 (each covers the second before it), so generator, sink and CPU shares cover the same time.
reports() { grep -a -c "$2:" "$1" || true; } # reports() log label: how many so far
# rates log label first last: "mean median best" of reports first+1..last (best: the highest one-second report, what
# the pair does in a second when the scheduler left both their cores); "short" if fewer than half the window came
rates() {
  grep -a -o "$2: *[0-9]*" "$1" | awk -v a="$3" -v b="$4" -v want="$MEASURE" '
    NR > a && NR <= b { v[n++] = $2; sum += $2 }
    END {
      if (n < want / 2) { print "short"; exit }
      for (i = 1; i < n; i++) for (j = i; j > 0 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
      printf "%d %d %d", sum / n, n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[n - 1]
    }'
}

# One at a time, the slave (started last) first: a DPDK memif client whose server quits under it while it is
# itself shutting down can crash.
stop_all() {
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
  for prefix in "${PREFIXES[@]}"; do rm -rf "/var/run/dpdk/$prefix"; done
  PREFIXES=()
}

# run <name> <generator java|testpmd> <sink java|testpmd>: sets OFFERED (mean pps), DELIVERED (mean, median and best
# second, pps), the share of a core each side got during the measurement (GEN_CPU_SHARE, SINK_CPU_SHARE; below 1 when
# other work shared its core), LOAD (the 1-minute load average before and after the measurement) and EMPTY (the mean
# share of empty polls of the generator and the sink, "-" for testpmd) and PEAK (the best millisecond a Booster side
# saw, in pps; "-" for testpmd ↔ testpmd).
# Runs in this shell, so the cleanup trap knows every process it started.
run() {
  local name=$1 gen=$2 sink=$3 socket=$WORK/$1.sock
  local glog=$WORK/$name-gen.log slog=$WORK/$name-sink.log
  rm -f "$socket"
  local sink_role=master
  [ "$GEN_ROLE" = master ] && sink_role=slave
  # The master side first: a testpmd client connects once, at start, and does not retry.
  if [ "$sink_role" = master ]; then
    start_side sink "$sink" master "$socket" $SINK_CPU "$slog" || return 1
    start_side generate "$gen" slave "$socket" $GEN_CPU "$glog" || return 1
    local sink_pid=${PIDS[-2]} gen_pid=${PIDS[-1]}
  else
    start_side generate "$gen" master "$socket" $GEN_CPU "$glog" || return 1
    start_side sink "$sink" slave "$socket" $SINK_CPU "$slog" || return 1
    local gen_pid=${PIDS[-2]} sink_pid=${PIDS[-1]}
  fi
  await "traffic in $name" 60 grep -a -q -E 'Rx-pps: *[1-9]' "$slog" || { tail -n 30 "$glog" "$slog" >&2; return 1; }
  sleep "$WARMUP"
  local g0 s0 t0 g1 s1 t1 gr0 sr0 gr1 sr1
  local load0
  load0=$(load1)
  g0=$(cpu_ticks "$gen_pid"); s0=$(cpu_ticks "$sink_pid"); gr0=$(reports "$glog" Tx-pps); sr0=$(reports "$slog" Rx-pps); t0=$(date +%s%N)
  sleep "$MEASURE"
  g1=$(cpu_ticks "$gen_pid"); s1=$(cpu_ticks "$sink_pid"); gr1=$(reports "$glog" Tx-pps); sr1=$(reports "$slog" Rx-pps); t1=$(date +%s%N)
  LOAD="$load0-$(load1)"
  OFFERED=$(rates "$glog" Tx-pps "$gr0" "$gr1")
  OFFERED=${OFFERED%% *}
  DELIVERED=$(rates "$slog" Rx-pps "$sr0" "$sr1")
  # A Booster side also reports the share of its polls that found nothing to do: the side that waits is not the limit.
  local ge se
  ge=$(rates "$glog" empty-polls "$gr0" "$gr1"); se=$(rates "$slog" empty-polls "$sr0" "$sr1")
  EMPTY="$([ "$gen" = java ] && echo "${ge%% *}%" || echo -)/$([ "$sink" = java ] && echo "${se%% *}%" || echo -)"
  # ... and its best millisecond: what the pair moved while both ran (the sink's count when it is Booster)
  local peak=-
  if [ "$sink" = java ]; then peak=$(rates "$slog" peak-1ms "$sr0" "$sr1"); elif [ "$gen" = java ]; then peak=$(rates "$glog" peak-1ms "$gr0" "$gr1"); fi
  PEAK=${peak##* }
  GEN_CPU_SHARE=$(awk -v a="$g0" -v b="$g1" -v t0="$t0" -v t1="$t1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz / ((t1 - t0) / 1e9) }')
  SINK_CPU_SHARE=$(awk -v a="$s0" -v b="$s1" -v t0="$t0" -v t1="$t1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz / ((t1 - t0) / 1e9) }')
  [ "$DELIVERED" != short ] || { say "$name: the sink reported its rate $((sr1 - sr0)) times in $MEASURE s"; tail -n 30 "$slog" >&2; return 1; }
}

# measure <round> <name> <label> <generator> <sink>: runs one configuration and adds its row; a configuration that
# fails is reported as such (its logs' tails on stderr, the logs in LOGS) and the run goes on.
measure() {
  local round=$1 name=$2 label=$3
  say "round $round/$ROUNDS: $label"
  if run "$name" "$4" "$5"; then
    results+=("$round|$label|$OFFERED|${DELIVERED// /|}|$GEN_CPU_SHARE|$SINK_CPU_SHARE|$LOAD|$EMPTY|$PEAK")
  else
    say "$label failed in round $round"
    results+=("$round|$label|failed|failed|-|-|-|-|-|-|-")
  fi
  stop_all
  for side in gen sink; do cp "$WORK/$name-$side.log" "$LOGS/round$round-$name-$side.log" 2>/dev/null || true; done
  rm -f "$WORK/$name.sock" "$WORK/$name-gen.log" "$WORK/$name-sink.log"
}

LOGS=${LOGS:-$WORK/logs}
mkdir -p "$LOGS"
load_before=$(uptime | sed 's/.*load average: //')
results=()
wanted() { [[ " $CONFIGS " == *" $1 "* ]] && { [ "$1" = a ] || [ -n "$WITH_TESTPMD" ]; }; }
for round in $(seq 1 "$ROUNDS"); do
  if wanted a; then measure "$round" a "(a) Booster memif -> Booster memif" java java; fi
  if wanted b1; then measure "$round" b1 "(b1) Booster memif -> testpmd rxonly" java testpmd; fi
  if wanted b2; then measure "$round" b2 "(b2) testpmd txonly -> Booster memif" testpmd java; fi
  if wanted c; then measure "$round" c "(c) testpmd txonly -> testpmd rxonly" testpmd testpmd; fi
done
load_after=$(uptime | sed 's/.*load average: //')

printf '\nmemif, 1 queue, 64-byte frames, burst %s, ring 1024 x 2048 B; generator (%s) on CPU %s, sink on CPU %s\n' "$BURST" "$GEN_ROLE" $GEN_CPU $SINK_CPU
printf 'pps: the one-second reports over %s s, after %s s of traffic (mean; median; best second); cpu: share of its\n' "$MEASURE" "$WARMUP"
printf 'core each side got meanwhile; empty: share of polls that found nothing to do, generator/sink (Booster sides\n'
printf 'only); peak 1 ms: the best millisecond a Booster side saw (the sink when it is Booster), i.e. while both ran;\n'
printf 'load: 1-minute load average before-after; vs (c): mean and median over (c)s\n\n'
row() { printf '%-5s %-38s %11s %11s %11s %11s %5s %5s %7s %11s %11s %6s %6s\n' "$@"; }
row round configuration "offered" "received" "median" "best s" "gen" "sink" "empty" "peak 1 ms" "load" "vs (c)" "median"
# ratio a b: a / b to 2 places, "-" when either is missing
ratio() { awk -v p="$1" -v c="${2:-0}" 'BEGIN { if (c > 0 && p > 0) printf "%.2f", p / c; else print "-" }'; }
for row in "${results[@]}"; do
  IFS='|' read -r round name off pps median best gcpu scpu load empty peak <<<"$row"
  cpps= cmedian=
  IFS='|' read -r _ _ _ cpps cmedian _ < <(printf '%s\n' "${results[@]}" | awk -F'|' -v r="$round" '$1 == r && $2 ~ /^\(c\)/') || true
  row "$round" "$name" "$off" "$pps" "$median" "$best" "$gcpu" "$scpu" "$empty" "$peak" "$load" "$(ratio "$pps" "$cpps")" "$(ratio "$median" "$cmedian")"
done
if [ "$ROUNDS" -gt 1 ]; then
  printf '\nover %s rounds, per configuration: the median of the rounds'"'"' mean received pps, and its ratio to (c)'"'"'s\n' "$ROUNDS"
  # median of a configuration's per-round means (failed rounds left out)
  over_rounds() { printf '%s\n' "${results[@]}" | awk -F'|' -v l="$1" '$2 == l && $4 ~ /^[0-9]+$/ { print $4 }' | sort -n \
    | awk '{ v[n++] = $1 } END { if (n) printf "%d", n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2 }'; }
  c_label=$(printf '%s\n' "${results[@]}" | awk -F'|' '$2 ~ /^\(c\)/ { print $2; exit }')
  c_all=$([ -n "$c_label" ] && over_rounds "$c_label" || true)
  printf '%s\n' "${results[@]}" | cut -d'|' -f2 | awk '!seen[$0]++' | while read -r label; do
    m=$(over_rounds "$label")
    printf '  %-38s %11s %7s\n' "$label" "${m:-failed}" "$(ratio "$m" "$c_all")"
  done
fi
printf '\nload average before: %s; after: %s\n' "$load_before" "$load_after"
printf 'machine: %s CPUs, %s, kernel %s, %s, %s\n' "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
  "$(uname -r)" "$("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)" "$(dpkg-query -W -f='dpdk ${Version}' dpdk 2>/dev/null || echo 'no dpdk')"
