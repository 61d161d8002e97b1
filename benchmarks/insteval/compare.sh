#!/usr/bin/env bash
# Side-by-side timing of InstEval, y ~ service + (1|s) + (1|d) + (1|dept:service) (73 421 rows, Q = 4128), on this
# machine: lmm4j's whole process (JVM start, reading the gzipped CSV, compiling, the Newton fit, printing; --ddf none,
# since lmer computes no denominator df) against R's lmer call alone (lme4's defaults, data already in memory),
# alternating, RUNS times each (default 3), then the medians, of the wall time and of the CPU time (user + system: on a
# shared machine the CPU time is the steadier figure; lmm4j's includes its JIT and GC threads and the parallel parts).
# Build first: mvn -B -o -q package -DskipTests.
# Usage: benchmarks/insteval/compare.sh [RUNS] [ML|REML]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runs="${1:-3}"
method="${2:-ML}"
csv="$root/app/src/test/resources/insteval/insteval.csv.gz"
jar="$root/app/target/lmm4j.jar"
formula="y ~ service + (1|s) + (1|d) + (1|dept:service)"
[ -f "$jar" ] || { echo "build first: mvn -B -o -q package -DskipTests" >&2; exit 2; }
reml=()
reml=(--method "$method")
ours=()
theirs=()
ourCpu=()
theirCpu=()
timing=$(mktemp)
trap 'rm -f "$timing"' EXIT
for i in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  out=$(/usr/bin/time -f "%U %S" -o "$timing" java -jar "$jar" fit --estimator newton --ddf none \
    ${reml[@]+"${reml[@]}"} --data "$csv" --formula "$formula")
  end=$(date +%s.%N)
  t=$(echo "$end - $start" | bc -l)
  ours+=("$t")
  cpu=$(awk '{print $1 + $2}' "$timing")
  ourCpu+=("$cpu")
  m2ll=$(echo "$out" | awk '/-2 logLik/ {getline; print $2}')
  iters=$(echo "$out" | awk '/^Iterations:/ {print $2, $5}')
  printf 'run %d lmm4j  %6.2f s (whole process, CPU %5.2f s)  -2logLik %s  iterations, evaluations %s\n' "$i" "$t" \
    "$cpu" "$m2ll" "$iters"
  r=$(Rscript "$here/lmer-fit.R" "$csv" "$method")
  rt=$(echo "$r" | awk '{print $2}')
  theirs+=("$rt")
  theirCpu+=("$(echo "$r" | awk '{print $6}')")
  printf 'run %d lme4   %6.2f s (lmer call, CPU %5.2f s)      -2logLik %s\n' "$i" "$rt" "$(echo "$r" | awk '{print $6}')" \
    "$(echo "$r" | awk '{print $4}')"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mo=$(median "${ours[@]}")
mt=$(median "${theirs[@]}")
co=$(median "${ourCpu[@]}")
ct=$(median "${theirCpu[@]}")
printf 'median wall lmm4j %.2f s, lme4 %.2f s, ratio %.1f; CPU lmm4j %.2f s, lme4 %.2f s, ratio %.1f; %s, load %s\n' \
  "$mo" "$mt" "$(echo "$mt / $mo" | bc -l)" "$co" "$ct" "$(echo "$ct / $co" | bc -l)" "$method" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
