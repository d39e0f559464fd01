#!/usr/bin/env bash
# GET /v1/health under wrk (keep-alive, 2 threads, 64 connections, 10 s) against
# nginx serving a file with the same bytes, on this machine, in this run.
# Prints both rates and the ratio yiwang/nginx (target >= 0.9).
#   bench/http_health.sh [path/to/yiwang]      (make bench builds and runs it)
# Both servers write an access log line per request to a file, and both use the
# machine's two cores; wrk shares those cores, as it would any real client here.
set -euo pipefail
bin=${1:-build/yiwang}
duration=${DURATION:-10}
threads=${THREADS:-2}
conns=${CONNS:-64}
for tool in wrk nginx curl; do
  command -v $tool >/dev/null || { echo "bench: $tool missing (run scripts/deps.sh --bench)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/yw-bench.XXXXXX)
. "$(dirname "$0")/lib.sh"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT


# yiwang
"$bin" init --dir "$work/node" --profile intl --origin bench.example/node >/dev/null
yport=$(free_port)
"$bin" serve --dir "$work/node" --listen "127.0.0.1:$yport" 2>"$work/yiwang.log" &
pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$yport/v1/health" >/dev/null && break; sleep 0.1; done

# nginx serving the same bytes
mkdir -p "$work/www"
curl -fs "http://127.0.0.1:$yport/v1/health" >"$work/www/health.json"
nginx_start "= /v1/health" health.json /v1/health

rate() { # url -> requests/s
  wrk -t"$threads" -c"$conns" -d"${duration}s" --latency "$1" >"$work/wrk.out"
  awk '/Requests\/sec/ {print $2}' "$work/wrk.out"
}
p99() { awk '$1=="99%" {print $2}' "$work/wrk.out"; }

echo "bench: wrk -t$threads -c$conns -d${duration}s, keep-alive; body $(wc -c <"$work/www/health.json") bytes"
wrk -t"$threads" -c"$conns" -d2s "http://127.0.0.1:$yport/v1/health" >/dev/null  # warm-up
wrk -t"$threads" -c"$conns" -d2s "http://127.0.0.1:$nport/v1/health" >/dev/null
y=$(rate "http://127.0.0.1:$yport/v1/health"); yp=$(p99)
n=$(rate "http://127.0.0.1:$nport/v1/health"); np=$(p99)
printf 'yiwang GET /v1/health   %10.0f req/s   p99 %s\n' "$y" "$yp"
printf 'nginx  static file      %10.0f req/s   p99 %s\n' "$n" "$np"
awk -v y="$y" -v n="$n" 'BEGIN { printf "ratio yiwang/nginx      %10.2f   (target >= 0.90)\n", y / n }'
