#!/usr/bin/env bash
# Start-up to ready and idle RSS on embedded defaults. Usage: load-tests/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
PORT=18183
[ -f target/bourse.jar ] || mvn -B -q package -DskipTests
for run in $(seq 1 "$RUNS"); do
  workdir=$(mktemp -d)
  start=$(date +%s%N)
  BOURSE_HTTP_PORT=$PORT BOURSE_DATA_DIR="$workdir/data" BOURSE_LOG_LEVEL=WARN \
    java -jar target/bourse.jar >"$workdir/log" 2>&1 &
  pid=$!
  until curl -sf -m 2 "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1; do sleep 0.02; done
  ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep 5
  rss_kb=$(ps -o rss= -p $pid | tr -d ' ')
  echo "run=$run ready_ms=$ready_ms idle_rss_mb=$((rss_kb / 1024))"
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$workdir"
done
