#!/usr/bin/env bash
# HTTP pipeline overhead: Bourse's /health/live (request id, metrics, contract validation, error mapping) against a
# bare Vert.x handler returning the same JSON, one after the other in the same run, same wrk settings.
# Usage: load-tests/http-overhead.sh [duration-seconds] [connections] [rounds]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
CONNECTIONS=${2:-64}
ROUNDS=${3:-3}
BOURSE_PORT=18181
BARE_PORT=18182

[ -f target/bourse.jar ] || mvn -B -q package -DskipTests
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt >/dev/null

workdir=$(mktemp -d)
cleanup() { kill "${BOURSE_PID:-}" "${BARE_PID:-}" 2>/dev/null || true; rm -rf "$workdir"; }
trap cleanup EXIT

wait_ready() { for _ in $(seq 1 100); do curl -sf -m 2 "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

run_wrk() { # url -> requests/s
  wrk -t2 -c"$CONNECTIONS" -d5s "$1" >/dev/null           # warm-up: let the JIT compile the hot path
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" | tee "$workdir/last.txt" >&2
  awk '/Requests\/sec/ {print $2}' "$workdir/last.txt"
}

# Both servers run for the whole measurement and the wrk rounds alternate between them, so background load that
# drifts during the run hits both sides alike; the ratio uses the median round of each side.
BOURSE_HTTP_PORT=$BOURSE_PORT BOURSE_HTTP_HOST=127.0.0.1 BOURSE_DATA_DIR="$workdir/data" \
  BOURSE_RATE_LIMIT_ENABLED=false BOURSE_LOG_LEVEL=WARN java -jar target/bourse.jar >"$workdir/bourse.log" 2>&1 &
BOURSE_PID=$!
java -cp "target/classes:target/test-classes:$(cat target/test-classpath.txt)" io.bourse.bench.BareHttpServer \
  $BARE_PORT 2 >"$workdir/bare.log" 2>&1 &
BARE_PID=$!
wait_ready "http://127.0.0.1:$BOURSE_PORT/health/ready"
wait_ready "http://127.0.0.1:$BARE_PORT/"

bourse_runs=()
bare_runs=()
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round: Bourse /health/live" >&2
  bourse_runs+=("$(run_wrk "http://127.0.0.1:$BOURSE_PORT/health/live")")
  echo "== round $round: bare Vert.x handler" >&2
  bare_runs+=("$(run_wrk "http://127.0.0.1:$BARE_PORT/")")
done

python3 - "${bourse_runs[*]}" "${bare_runs[*]}" <<'PY2'
import statistics, sys
bourse = [float(x) for x in sys.argv[1].split()]
bare = [float(x) for x in sys.argv[2].split()]
b, r = statistics.median(bourse), statistics.median(bare)
paired = [x / y for x, y in zip(bourse, bare)]
print(f"bourse_rps_rounds={[round(x) for x in bourse]} bare_rps_rounds={[round(x) for x in bare]}")
print(f"paired_ratios={[round(x, 2) for x in paired]}")
print(f"bourse_rps_median={b:.0f} bare_rps_median={r:.0f} ratio_of_medians={b / r:.2f} "
      f"median_paired_ratio={statistics.median(paired):.2f}")
PY2
