#!/usr/bin/env bash
# CNI ADD/DEL latency: Booster's plugin (the booster-cni launcher forwarding to a CNI server over provider afxdp)
# against Debian's bridge plugin, both with Debian's host-local IPAM, in the same run, over N pods each
# (default 200), plugins run as a runtime runs them (a process per call, env + config on stdin). Also the launcher
# options' own cost (a STATUS round trip, no dataplane work): the shell launcher, a plain JVM client, a JVM client
# with an AOT cache (JDK 25 -XX:AOTCache) and C1 only.
#
#   sudo bench/cni-latency.sh [PODS]          # prints a markdown block for docs/benchmarks.md
#
# Runs under flock /tmp/booster-bench.lock so benchmarks never overlap. Leaves no namespace, veth, bridge, process or
# IPAM state behind (trap on exit).
set -euo pipefail
cd "$(dirname "$0")/.."
PODS=${1:-200}
[ "$(id -u)" -eq 0 ] || { echo "cni-latency: run as root (network namespaces, AF_XDP)" >&2; exit 1; }
if [ -z "${BOOSTER_BENCH_LOCKED:-}" ]; then
  export BOOSTER_BENCH_LOCKED=1
  exec flock /tmp/booster-bench.lock "$0" "$@"
fi
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
DEBIAN_CNI=/usr/lib/cni
for tool in ip nc "$DEBIAN_CNI/host-local" "$DEBIAN_CNI/bridge"; do
  command -v "$tool" >/dev/null || [ -x "$tool" ] || { echo "cni-latency: $tool is missing (apt-get install iproute2 netcat-openbsd containernetworking-plugins)" >&2; exit 1; }
done

./mvnw -q -B -o -pl cni -am package -DskipTests dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/cni.classpath
CP="$(ls cni/target/booster-cni-*.jar | grep -v -e sources -e tests | head -n1):$(cat cni/target/cni.classpath)"
CLIENT_JAR=$(ls cni/target/booster-cni-*.jar | grep -v -e sources -e tests | head -n1)

TAG="cb$$"
WORK=$(mktemp -d /tmp/booster-cni-bench.XXXXXX)
SOCKET="$WORK/cni.sock"
BIN="$WORK/bin"
mkdir -p "$BIN" "$WORK/ipam"
ln -s "$PWD/cni/src/main/sh/booster-cni" "$BIN/booster-cni"
ln -s "$DEBIAN_CNI/host-local" "$BIN/host-local"
ln -s "$DEBIAN_CNI/bridge" "$BIN/bridge"
SERVER_PID=""
NAMESPACES=()

cleanup() {
  set +e
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  if [ ${#NAMESPACES[@]} -gt 0 ]; then printf 'netns del %s\n' "${NAMESPACES[@]}" | ip -batch - 2>/dev/null; fi
  ip link del "${TAG}br" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" dev.booster.cni.CniServerMain --provider afxdp --socket "$SOCKET" --timings \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do grep -q '^ready' "$WORK/server.log" 2>/dev/null && break; sleep 0.1; done
grep -q '^ready' "$WORK/server.log" || { cat "$WORK/server.log" >&2; echo "cni-latency: the CNI server did not start" >&2; exit 1; }

BOOSTER_CONF='{"cniVersion":"1.0.0","name":"'$TAG'-booster","type":"booster-cni","ipam":{"type":"host-local","dataDir":"'$WORK/ipam'","ranges":[[{"subnet":"10.254.0.0/16"}]]}}'
BRIDGE_CONF='{"cniVersion":"1.0.0","name":"'$TAG'-bridge","type":"bridge","bridge":"'$TAG'br","isGateway":true,"ipam":{"type":"host-local","dataDir":"'$WORK/ipam'","ranges":[[{"subnet":"10.253.0.0/16"}]]}}'

for i in $(seq "$PODS"); do NAMESPACES+=("$TAG-b$i" "$TAG-r$i"); done
printf 'netns add %s\n' "${NAMESPACES[@]}" | ip -batch -

# One plugin call as a runtime makes it; prints the wall time in microseconds (bash's clock: no fork to read it).
call() { # plugin command container netns config
  local start=$EPOCHREALTIME out
  out=$(CNI_COMMAND=$2 CNI_CONTAINERID=$3 CNI_NETNS=/var/run/netns/$4 CNI_IFNAME=eth0 CNI_PATH="$BIN" \
        BOOSTER_CNI_SOCKET="$SOCKET" "$BIN/$1" <<<"$5") || { echo "cni-latency: $1 $2 $3 failed: $out" >&2; exit 1; }
  local end=$EPOCHREALTIME
  echo $(( (${end/./} - ${start/./}) ))
}

: >"$WORK/booster.add"; : >"$WORK/booster.del"; : >"$WORK/bridge.add"; : >"$WORK/bridge.del"
LOAD_BEFORE=$(uptime)
# Alternate the two plugins pod by pod, so load that comes and goes hits both alike.
for i in $(seq "$PODS"); do
  call booster-cni ADD "$TAG-b$i" "$TAG-b$i" "$BOOSTER_CONF" >>"$WORK/booster.add"
  call bridge ADD "$TAG-r$i" "$TAG-r$i" "$BRIDGE_CONF" >>"$WORK/bridge.add"
done
# host-local alone, the IPAM share of both plugins' time.
IPAM_CONF='{"cniVersion":"1.0.0","name":"'$TAG'-ipam","type":"host-local","ipam":{"type":"host-local","dataDir":"'$WORK/ipam'","ranges":[[{"subnet":"10.252.0.0/16"}]]}}'
: >"$WORK/ipam.add"; : >"$WORK/ipam.del"
for i in $(seq "$PODS"); do call host-local ADD "$TAG-i$i" "$TAG-b1" "$IPAM_CONF" >>"$WORK/ipam.add"; done
for i in $(seq "$PODS"); do call host-local DEL "$TAG-i$i" "$TAG-b1" "$IPAM_CONF" >>"$WORK/ipam.del"; done
for i in $(seq "$PODS"); do
  call booster-cni DEL "$TAG-b$i" "$TAG-b$i" "$BOOSTER_CONF" >>"$WORK/booster.del"
  call bridge DEL "$TAG-r$i" "$TAG-r$i" "$BRIDGE_CONF" >>"$WORK/bridge.del"
done

# The launcher options alone: STATUS round trips (the server answers from memory; no IPAM, no dataplane work).
STATUS_CONF='{"cniVersion":"1.1.0","name":"'$TAG'-status","type":"booster-cni"}'
AOT="$WORK/client.aot"
CNI_COMMAND=STATUS BOOSTER_CNI_SOCKET="$SOCKET" "$JAVA" -XX:AOTCacheOutput="$AOT" -cp "$CLIENT_JAR" dev.booster.cni.CniClient <<<"$STATUS_CONF" >/dev/null 2>"$WORK/aot.log"
cat >"$BIN/jvm-plain" <<JVM
#!/bin/sh
exec "$JAVA" -cp "$CLIENT_JAR" dev.booster.cni.CniClient
JVM
cat >"$BIN/jvm-aot" <<JVM
#!/bin/sh
exec "$JAVA" -XX:AOTCache="$AOT" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss256k -cp "$CLIENT_JAR" dev.booster.cni.CniClient
JVM
chmod +x "$BIN/jvm-plain" "$BIN/jvm-aot"
LAUNCH_RUNS=$(( PODS / 2 ))
for launcher in booster-cni jvm-plain jvm-aot; do : >"$WORK/$launcher.status"; done
# Interleaved, like the plugins above: load that comes and goes hits the three alike.
for i in $(seq "$LAUNCH_RUNS"); do
  for launcher in booster-cni jvm-plain jvm-aot; do call "$launcher" STATUS x x "$STATUS_CONF" >>"$WORK/$launcher.status"; done
done
LOAD_AFTER=$(uptime)

# The server's own account of each ADD/DEL ("timing ADD c/eth0: ipam 4.1 ms, attach 38.0 ms"), in microseconds.
phase() { # command field -> file
  grep "^timing $1 " "$WORK/server.log" | sed -n "s/.*$2 \([0-9.]*\) ms.*/\1/p" | awk '{printf "%d\n", $1 * 1000}' >"$WORK/phase.$1.$2"
  echo "$WORK/phase.$1.$2"
}

pct() { # file percentile -> milliseconds with one decimal
  sort -n "$1" | awk -v p="$2" '{v[NR]=$1} END {i=int((NR*p/100)+0.999999); if (i<1) i=1; if (i>NR) i=NR; printf "%.1f", v[i]/1000}'
}
row() { printf '| %s | %s | %s | %s | %s |\n' "$1" "$(wc -l <"$2")" "$(pct "$2" 50)" "$(pct "$2" 99)" "$(pct "$2" 100)"; }

echo
echo "### CNI ADD/DEL latency, $PODS pods per plugin ($(date -u +%Y-%m-%d))"
echo
echo "Command: \`sudo bench/cni-latency.sh $PODS\`. Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs),"
echo "kernel $(uname -r), $("$JAVA" -version 2>&1 | head -n1). Load before: \`${LOAD_BEFORE#*load average: }\`, after: \`${LOAD_AFTER#*load average: }\` (1/5/15 min)."
echo
echo "| plugin call | calls | p50 ms | p99 ms | max ms |"
echo "|---|---|---|---|---|"
row "booster-cni ADD (launcher + server + host-local + afxdp attach)" "$WORK/booster.add"
row "bridge ADD (Debian, + host-local)" "$WORK/bridge.add"
row "booster-cni DEL" "$WORK/booster.del"
row "bridge DEL" "$WORK/bridge.del"
row "in booster-cni ADD: host-local run by the server" "$(phase ADD ipam)"
row "in booster-cni ADD: afxdp attach (provider)" "$(phase ADD attach)"
row "in booster-cni DEL: afxdp detach (provider)" "$(phase DEL detach)"
row "in booster-cni DEL: host-local run by the server" "$(phase DEL ipam)"
row "host-local ADD alone (run directly)" "$WORK/ipam.add"
row "host-local DEL alone" "$WORK/ipam.del"
row "launcher: shell + nc (STATUS round trip)" "$WORK/booster-cni.status"
row "launcher: JVM client, defaults" "$WORK/jvm-plain.status"
row "launcher: JVM client, AOT cache + C1 + SerialGC" "$WORK/jvm-aot.status"
