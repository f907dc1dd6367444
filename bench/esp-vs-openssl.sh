#!/usr/bin/env bash
# ESP tunnel-mode AES-GCM on one core, Booster beside `openssl speed` of the same cipher at the same sizes, back to
# back in one run on this machine, holding /tmp/booster-bench.lock throughout so no other benchmark overlaps.
# Prints Gbit/s of payload per core and the load before, between and after.
#
#   bench/esp-vs-openssl.sh                 # about 10 minutes on an idle 2-core machine
#   SIZES="1400" JMH_OPTS="-f 1 -wi 2 -i 3 -w 1s -r 1s" OPENSSL_SECONDS=1 CPU_SECONDS=1 bench/esp-vs-openssl.sh
#
# Two clocks, two tables:
# - per CPU-second: openssl speed's default (user CPU time) beside EspCpuTime (the EspBenchmark loops timed by the
#   process's CPU time, GC included). On a machine shared with other work this still says what one core does.
# - per wall-clock second: JMH's EspBenchmark beside openssl speed -elapsed; only meaningful on an idle machine.
# openssl runs plain -evp (one long stream of EVP_CipherUpdate calls, no per-message IV, AAD or tag: the cipher's
# ceiling) and -aead (TLS-like: new IV, AAD, update, final per buffer, which is what ESP does per packet), the
# latter for encryption and decryption.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCK=/tmp/booster-bench.lock
if [ -z "${ESP_BENCH_LOCKED:-}" ]; then
  exec env ESP_BENCH_LOCKED=1 flock "$LOCK" "${BASH_SOURCE[0]}" "$@"
fi

SIZES=${SIZES:-"64 512 1400"}
OPENSSL_SECONDS=${OPENSSL_SECONDS:-2}
CPU_SECONDS=${CPU_SECONDS:-2}
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 2 -i 3 -w 1s -r 2s"}
JAVA_HOME=${JAVA_HOME:-$(ls -d /usr/lib/jvm/temurin-25-jdk-* 2>/dev/null | head -n1)}
export JAVA_HOME
JAR=$ROOT/bench/target/benchmarks.jar
WORK=$(mktemp -d /tmp/espbench.XXXXXX)
trap '[ -n "${ESP_BENCH_KEEP:-}" ] || rm -rf "$WORK"' EXIT

say() { printf 'esp-bench: %s\n' "$*" >&2; }

command -v openssl >/dev/null || { say "needs the openssl command (apt-get install openssl)"; exit 1; }
if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/ipsec/src" "$ROOT/bench/src" -newer "$JAR" -type f -print -quit)" ]; then
  say "building $JAR"
  (cd "$ROOT" && ./mvnw -q -B -o -pl bench -am -Pbenchmarks -DskipTests package)
fi

gbps() { awk -v b="$1" 'BEGIN { printf "%.2f", b * 8 / 1e9 }'; }

# openssl speed -mr prints "+F:<n>:<cipher>:<bytes per second>" for a -bytes run.
openssl_rate() { # algorithm bits, size, extra flags
  # shellcheck disable=SC2086
  openssl speed -mr -seconds "$OPENSSL_SECONDS" -bytes "$2" $3 -evp "aes-$1-gcm" 2>/dev/null |
    awk -F: '/^\+F:/ { print $4 }' | tail -n1
}

say "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(openssl version)"
say "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)"
LOAD_BEFORE=$(uptime)
say "before: $LOAD_BEFORE"

declare -A EVP AEAD AEAD_DEC AEAD_WALL
for bits in 128 256; do
  for size in $SIZES; do
    EVP[$bits,$size]=$(openssl_rate "$bits" "$size" "")
    AEAD[$bits,$size]=$(openssl_rate "$bits" "$size" -aead)
    AEAD_DEC[$bits,$size]=$(openssl_rate "$bits" "$size" "-aead -decrypt")
    AEAD_WALL[$bits,$size]=$(openssl_rate "$bits" "$size" "-aead -elapsed")
    say "openssl aes-$bits-gcm $size B per CPU-second: -evp $(gbps "${EVP[$bits,$size]}"), -aead $(gbps "${AEAD[$bits,$size]}")," \
      "-aead -decrypt $(gbps "${AEAD_DEC[$bits,$size]}") Gbit/s; per wall-clock second: -aead $(gbps "${AEAD_WALL[$bits,$size]}") Gbit/s"
  done
done
LOAD_MIDDLE=$(uptime)
say "between: $LOAD_MIDDLE"

# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xms1g -Xmx1g -cp "$JAR" dev.booster.bench.EspCpuTime \
  "$CPU_SECONDS" $SIZES >"$WORK/cpu.txt"
declare -A CPU
while read -r _ bench algorithm crypto payload rate; do
  CPU[$bench,$crypto,${algorithm##*_},$payload]=$(awk -v r="$rate" -v p="$payload" 'BEGIN { printf "%.0f", r * p }')
done <"$WORK/cpu.txt"
LOAD_CPU=$(uptime)
say "after EspCpuTime: $LOAD_CPU"

PAYLOADS=$(echo "$SIZES" | tr ' ' ',')
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" -jar "$JAR" EspBenchmark $JMH_OPTS -p payload="$PAYLOADS" \
  -rf csv -rff "$WORK/jmh.csv" >"$WORK/jmh.log" 2>&1 || { cat "$WORK/jmh.log" >&2; exit 1; }
LOAD_AFTER=$(uptime)
say "after: $LOAD_AFTER"

# JMH csv: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: algorithm","Param: crypto","Param: payload"
declare -A JMH
while IFS=, read -r bench _ _ _ score error _ algorithm crypto payload; do
  bench=${bench//\"/}; algorithm=${algorithm//\"/}; crypto=${crypto//\"/}; payload=${payload//[\"$'\r']/}
  [ "$bench" = "Benchmark" ] && continue
  bits=${algorithm##*_}
  JMH[${bench##*.},$crypto,$bits,$payload]=$(awk -v s="$score" -v p="$payload" 'BEGIN { printf "%.0f", s * p }')
  JMH[err,${bench##*.},$crypto,$bits,$payload]=$(awk -v e="$error" -v p="$payload" 'BEGIN { printf "%.0f", e * p }')
done <"$WORK/jmh.csv"

cell() { # key -> "G ± e", or "-" when JMH did not run that configuration
  [ -n "${JMH[$1]:-}" ] || { printf -- "-"; return; }
  printf '%s ± %s' "$(gbps "${JMH[$1]}")" "$(gbps "${JMH[err,$1]}")"
}

cpu() { # key -> Gbit/s, or "-"
  if [ -n "${CPU[$1]:-}" ]; then gbps "${CPU[$1]}"; else printf -- "-"; fi
}
# A byte that is encrypted and then decrypted costs 1/encrypt + 1/decrypt.
both() { awk -v e="$1" -v d="$2" 'BEGIN { printf "%.2f", 8 / (1 / e + 1 / d) / 1e9 }'; }

echo
echo "Gbit/s of payload on one core; payload = the inner IPv4 packet, header included."
echo "load (1, 5, 15 min) before: ${LOAD_BEFORE##*load average: }; after openssl: ${LOAD_MIDDLE##*load average: };" \
  "after EspCpuTime: ${LOAD_CPU##*load average: }; after JMH: ${LOAD_AFTER##*load average: }"
echo
echo "Per CPU-second (openssl speed's user time; EspCpuTime's process CPU time, GC included):"
echo
echo "| cipher | bytes | openssl -evp | openssl -aead encrypt | openssl -aead decrypt | openssl -aead encrypt+decrypt | ESP encrypt, OpenSSL | ESP encrypt, JDK | ESP encrypt+decrypt, OpenSSL | ESP encrypt+decrypt, JDK |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for bits in 128 256; do
  for size in $SIZES; do
    echo "| AES-$bits-GCM | $size | $(gbps "${EVP[$bits,$size]}") | $(gbps "${AEAD[$bits,$size]}") |" \
      "$(gbps "${AEAD_DEC[$bits,$size]}") | $(both "${AEAD[$bits,$size]}" "${AEAD_DEC[$bits,$size]}") |" \
      "$(cpu "encrypt,OPENSSL,$bits,$size") | $(cpu "encrypt,JDK,$bits,$size") |" \
      "$(cpu "encryptDecrypt,OPENSSL,$bits,$size") | $(cpu "encryptDecrypt,JDK,$bits,$size") |"
  done
done
echo
echo "Per wall-clock second (openssl speed -elapsed; JMH EspBenchmark, mean ± 99.9% half-width):"
echo
echo "| cipher | bytes | openssl -aead encrypt | ESP encrypt, OpenSSL | ESP encrypt, JDK | ESP encrypt+decrypt, OpenSSL | ESP encrypt+decrypt, JDK |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for bits in 128 256; do
  for size in $SIZES; do
    echo "| AES-$bits-GCM | $size | $(gbps "${AEAD_WALL[$bits,$size]}") |" \
      "$(cell "encrypt,OPENSSL,$bits,$size") | $(cell "encrypt,JDK,$bits,$size") |" \
      "$(cell "encryptDecrypt,OPENSSL,$bits,$size") | $(cell "encryptDecrypt,JDK,$bits,$size") |"
  done
done
echo
echo "ESP encrypt+decrypt counts each payload byte once but does the AES-GCM work twice, as two nodes together do."
