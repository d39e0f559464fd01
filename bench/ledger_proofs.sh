#!/usr/bin/env bash
# The ledger at 1M entries (profile intl, SQLite), against baselines measured on
# this machine, in this run:
#  1. inclusion proofs: wrk (2 threads, 16 connections, 10 s, keep-alive) on
#     GET /v1/ledger/proof/inclusion with a random index per request and size
#     fixed at the tree size, against GET /v1/health on the same node.
#     Ratio proof/health.
#  2. `yiwang ledger verify` (wall time) against bench/hash_entries.c, which
#     reads the same entry bytes from the same database and SHA-256-hashes each
#     once as a leaf: whole program, and hashing alone. Target verify <= 2x.
#  3. Peak resident memory (VmHWM) of `yiwang serve` after the proof run, and
#     of `yiwang ledger verify`.
#   bench/ledger_proofs.sh [path/to/yiwang]
# Building the 1M-entry log takes a few seconds; the node directory is kept in
# LEDGER_DIR (default /tmp/yw-bench-ledger-1m) and reused by the next run:
# rm -rf it to start over. COUNT, DURATION, THREADS, CONNS override the
# defaults (1000000 entries, 10 s, 2 threads, 16 connections).
set -euo pipefail
bin=$(realpath "${1:-build/yiwang}")
count=${COUNT:-1000000}
duration=${DURATION:-10}
threads=${THREADS:-2}
conns=${CONNS:-16}
node=${LEDGER_DIR:-/tmp/yw-bench-ledger-1m}
here=$(cd "$(dirname "$0")" && pwd)
for tool in wrk curl gcc /usr/bin/time; do
  command -v $tool >/dev/null || { echo "bench: $tool missing (run scripts/deps.sh --bench)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/yw-bench.XXXXXX)
. "$(dirname "$0")/lib.sh"
pid=
trap bench_cleanup EXIT


gcc -O2 -std=c17 -Wall -Wextra -Werror -o "$work/hash_entries" "$here/hash_entries.c" -lsqlite3 -lcrypto

# The log: reused when it is there and big enough.
size=$("$bin" ledger checkpoint --dir "$node" 2>/dev/null | sed -n 2p) || size=0
if [ "${size:-0}" -lt "$count" ]; then
  rm -rf "$node"
  echo "bench: building a log of $count entries in $node (kept for the next run)"
  "$bin" init --dir "$node" --profile intl --origin bench.example/ledger >/dev/null
  "$bin" ledger append --dir "$node" --count "$count"
fi

# 1. inclusion proofs against /v1/health, same node, same wrk settings
port=$(free_port)
"$bin" serve --dir "$node" --listen "127.0.0.1:$port" 2>"$work/serve.log" &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v1/health" >/dev/null && break; sleep 0.1; done
size=$(curl -fs "http://127.0.0.1:$port/v1/ledger/checkpoint" | sed -n 2p)
curl -fs "http://127.0.0.1:$port/v1/ledger/proof/inclusion?index=$((size / 2))&size=$size" >/dev/null

cat >"$work/proof.lua" <<LUA
-- A random index per request, against the fixed tree size.
local size = $size
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  math.randomseed(os.time() + 7919 * id)
end
function request()
  return wrk.format(nil, "/v1/ledger/proof/inclusion?index=" .. math.random(0, size - 1) .. "&size=" .. size)
end
LUA

rate() { # url [script] -> requests/s; any non-2xx answer fails the run
  wrk -t"$threads" -c"$conns" -d"${duration}s" --latency ${2:+-s "$2"} "$1" >"$work/wrk.out"
  if grep -q "Non-2xx" "$work/wrk.out"; then
    cat "$work/wrk.out" >&2
    echo "bench: $1 answered errors" >&2
    exit 1
  fi
  awk '/Requests\/sec/ {print $2}' "$work/wrk.out"
}
p99() { awk '$1=="99%" {print $2}' "$work/wrk.out"; }

base="http://127.0.0.1:$port"
wrk -t"$threads" -c"$conns" -d2s -s "$work/proof.lua" "$base" >/dev/null # warm-up
wrk -t"$threads" -c"$conns" -d2s "$base/v1/health" >/dev/null
p=$(rate "$base" "$work/proof.lua"); pp=$(p99)
h=$(rate "$base/v1/health"); hp=$(p99)
serve_hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
kill "$pid"
wait "$pid" || true
pid=

# 2. verify against reading and hashing the same entries
/usr/bin/time -f "%e %M" -o "$work/verify.time" "$bin" ledger verify --dir "$node" >"$work/verify.out"
read -r verify_s verify_kb <"$work/verify.time"
/usr/bin/time -f "%e %M" -o "$work/hash.time" "$work/hash_entries" "$node/yiwang.db" >"$work/hash.out"
read -r hash_s hash_kb <"$work/hash.time"
hash_only=$(sed -n 's/.*hash \([0-9.]*\) s.*/\1/p' "$work/hash.out")

echo "bench: log of $size entries (intl, SQLite); wrk -t$threads -c$conns -d${duration}s, keep-alive"
printf 'GET /v1/ledger/proof/inclusion (random index) %10.0f req/s   p99 %s\n' "$p" "$pp"
printf 'GET /v1/health (same node)                    %10.0f req/s   p99 %s\n' "$h" "$hp"
awk -v p="$p" -v h="$h" 'BEGIN { printf "ratio proof/health                            %10.2f\n", p / h }'
echo "verify:  $(cat "$work/verify.out")"
echo "hashing: $(cat "$work/hash.out")"
printf 'yiwang ledger verify                          %10.2f s   peak RSS %6d MB\n' "$verify_s" $((verify_kb / 1024))
printf 'read + SHA-256 every entry once (C baseline)  %10.2f s   peak RSS %6d MB\n' "$hash_s" $((hash_kb / 1024))
awk -v v="$verify_s" -v b="$hash_s" -v o="$hash_only" 'BEGIN {
  printf "ratio verify/baseline                         %10.2f   (target <= 2.00)\n", v / b
  printf "ratio verify/hashing alone (%.2f s)           %10.2f\n", o, v / o }'
printf 'yiwang serve peak RSS (VmHWM) after the proofs %9d MB\n' $((serve_hwm / 1024))
