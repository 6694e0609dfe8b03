#!/usr/bin/env bash
# Identity costs, measured in one run:
#  1. wrk on authenticated GET /api/v1/me (bearer check: verified-token cache, user lookup cache, handler) against
#     GET /health/live on the same server, rounds alternating; prints the ratio of the medians.
#  2. the Redis rate-limit check (GCRA Lua script via EVALSHA) on a fresh redis-server: latency percentiles with one
#     check in flight, then with 16.
# Rate limiting is off for (1) (BOURSE_RATE_LIMIT_ENABLED=false) so it measures authentication, not the limiter.
# Usage: load-tests/identity.sh [duration-seconds] [connections] [rounds]   (needs wrk and redis-server)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNECTIONS=${2:-64}
ROUNDS=${3:-3}
PORT=18183
REDIS_PORT=18184
PASSWORD=bench-admin-password-1

mvn -B -q package -DskipTests
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt >/dev/null

workdir=$(mktemp -d)
cleanup() { kill "${BOURSE_PID:-}" "${REDIS_PID:-}" 2>/dev/null || true; rm -rf "$workdir"; }
trap cleanup EXIT
wait_ready() { for _ in $(seq 1 150); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

BOURSE_HTTP_PORT=$PORT BOURSE_HTTP_HOST=127.0.0.1 BOURSE_DATA_DIR="$workdir/data" BOURSE_ADMIN_PASSWORD=$PASSWORD \
  BOURSE_ADMIN_EMAIL=bench@bourse.local BOURSE_RATE_LIMIT_ENABLED=false BOURSE_LOG_LEVEL=WARN \
  java -jar target/bourse.jar >"$workdir/bourse.log" 2>&1 &
BOURSE_PID=$!
wait_ready "http://127.0.0.1:$PORT/health/ready"
TOKEN=$(curl -sf -H 'Content-Type: application/json' \
  -d "{\"email\":\"bench@bourse.local\",\"password\":\"$PASSWORD\"}" "http://127.0.0.1:$PORT/api/v1/auth/login" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/me" >/dev/null

run_wrk() { # url [header] -> requests/s
  local url=$1; shift
  wrk -t2 -c"$CONNECTIONS" -d2s "$@" "$url" >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" | tee "$workdir/last.txt" >&2
  awk '/Requests\/sec/ {print $2}' "$workdir/last.txt"
}

me_runs=()
live_runs=()
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round: GET /api/v1/me (bearer)" >&2
  me_runs+=("$(run_wrk "http://127.0.0.1:$PORT/api/v1/me" -H "Authorization: Bearer $TOKEN")")
  echo "== round $round: GET /health/live" >&2
  live_runs+=("$(run_wrk "http://127.0.0.1:$PORT/health/live")")
done
kill "$BOURSE_PID"; BOURSE_PID=

python3 - "${me_runs[*]}" "${live_runs[*]}" <<'PY'
import statistics, sys
me = [float(x) for x in sys.argv[1].split()]
live = [float(x) for x in sys.argv[2].split()]
m, l = statistics.median(me), statistics.median(live)
print(f"me_rps_rounds={[round(x) for x in me]} live_rps_rounds={[round(x) for x in live]}")
print(f"me_rps_median={m:.0f} live_rps_median={l:.0f} ratio={m / l:.2f}")
PY

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$workdir" \
  >"$workdir/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
CP="target/classes:target/test-classes:$(cat target/test-classpath.txt)"
java -cp "$CP" io.bourse.bench.RateLimitBench "redis://127.0.0.1:$REDIS_PORT" 100000 1
java -cp "$CP" io.bourse.bench.RateLimitBench "redis://127.0.0.1:$REDIS_PORT" 200000 16
