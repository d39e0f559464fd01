#!/usr/bin/env bash
# Single-record deliveries (数据交付) on the demo node (profile gm, SQLite WAL,
# synchronous=FULL), each masked by grade and answered only once its ledger entry
# is durable, against nginx serving a file with the bytes of a typical delivery
# answer, on this machine, in this run:
#  1. GET /v1/exchange/resources/101001/000002/records?gmsfhm=… under wrk (2
#     threads, 64 connections, 30 s, keep-alive, --latency), cycling through 1000
#     identity numbers of the demo's residents (bench/exchange_delivery.lua), with
#     the API key of a system of 民政厅 (ql.mzt) holding a grant without quota.
#     Requests/s, p50, p99, whether p99 < 20 ms (target), the same at 16
#     connections; nginx, same requests, same settings; the ratio (target >= 0.3;
#     for scale, published X-Road installations report on the order of 100
#     messages per second).
#  2. One ledger entry per delivery: the ledger's size (GET /v1/ledger/checkpoint)
#     before and after the 64-connection run, the entries it grew by, by type, and
#     the deliveries the node answered (200) or lost to wrk closing its connections
#     at the end (the node's /metrics), against wrk's count. Every wrk answer must
#     be 200.
#  3. Memory: the anonymous resident memory (RssAnon: heap, stacks — where a leak
#     grows) of `yiwang serve` every 5 s during a separate 60 s run, VmRSS beside
#     it, the growth from 10 s to 60 s (target: stable, under 5 %).
#   bench/exchange_delivery.sh [path/to/yiwang]
# The grant: the demo's (100 000 uses, 10 000 a day) is too small, so a data
# steward of ql.mzt (a new account) applies through the API for the same resource
# and fields for a new system key, with no quota: 无条件共享, granted at once.
# DURATION (30), MEM_DURATION (60), THREADS (2), CONNS (64) and CONNS_LOW (16)
# override the defaults; IO_THREADS and WORKERS set the node's io_threads and workers
# (defaults: one I/O thread per core, 16 workers).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-build/yiwang}")
duration=${DURATION:-30}
mem_duration=${MEM_DURATION:-60}
threads=${THREADS:-2}
conns=${CONNS:-64}
conns_low=${CONNS_LOW:-16}
target_ratio=0.3
target_ms=20
target_growth=5
for tool in wrk nginx curl python3; do
  command -v $tool >/dev/null || { echo "bench: $tool missing (run scripts/deps.sh --bench)" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "bench: no yiwang binary at $bin (build it first)" >&2; exit 1; }

work=$(mktemp -d /tmp/yw-bench.XXXXXX)
. "$(dirname "$0")/lib.sh"
pid=
wrk_pid=
trap bench_cleanup EXIT


# ---- the demo node, a steward of ql.mzt, a system key ------------------------------
demo_node
password=$("$bin" account add --dir "$node" --kind staff --login bench.mzt --name 交付压测 \
  --org ql.mzt --role data_steward | sed -n 's/.*(shown once): //p')
key=$("$bin" key create --dir "$node" --name 交付压测系统 --org ql.mzt --role data_steward \
  --allow-ip 127.0.0.1,::1 | sed -n 2p)
key_id=${key%%.*}
monitor=$("$bin" key create --dir "$node" --name 交付压测监控 --org ql.dsj --role auditor \
  --allow-ip 127.0.0.1,::1 | sed -n 2p)
auth="Authorization: Bearer $key"

# 1000 identity numbers (every 100th resident, in key order) and the fields of the
# demo's grant, read before the node serves.
python3 - "$node/yiwang.db" "$work/keys" "$work/fields.json" <<'PY'
import json, sqlite3, sys
con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
keys = [k for (k,) in con.execute("SELECT key FROM yw_exchange_records WHERE code = '101001/000002' "
                                  "ORDER BY key")]
step = max(1, len(keys) // 1000)
with open(sys.argv[2], "w") as f:
    f.writelines(k + "\n" for k in keys[::step][:1000])
(conditions,) = con.execute("SELECT conditions FROM yw_exchange_grants WHERE consumer = 'ql.mzt' AND "
                            "code = '101001/000002' AND kind = 'records'").fetchone()
json.dump(json.loads(conditions)["fields"], open(sys.argv[3], "w"))
PY
n_keys=$(wc -l <"$work/keys")

[ -z "${IO_THREADS:-}" ] || echo "io_threads = $IO_THREADS" >>"$node/yiwang.conf"
[ -z "${WORKERS:-}" ] || echo "workers = $WORKERS" >>"$node/yiwang.conf"
serve_node "$node"

# The steward signs in and applies for the new system: no quota, two years.
grant=$(grant_without_quota "$base" bench.mzt "$password" "$key_id" "$work/fields.json")

# A typical answer: the median size of the first 11 residents' answers.
for k in $(head -11 "$work/keys"); do
  curl -s -H "$auth" -o "$work/answer.$k" -w "%{http_code} %{size_download} $k\n" \
    "$base/v1/exchange/resources/101001/000002/records?gmsfhm=$k" >>"$work/answers"
done
if awk '$1 != 200 { bad = 1 } END { exit !bad }' "$work/answers"; then
  k=$(awk '$1 != 200 { print $3; exit }' "$work/answers")
  echo "bench: a delivery answered $(awk '$1 != 200 { print $1; exit }' "$work/answers"):" \
    "$(head -c 300 "$work/answer.$k")" >&2
  exit 1
fi
typical=$(sort -n -k2 "$work/answers" | awk '{ k[NR] = $3 } END { print k[int((NR + 1) / 2)] }')
mkdir -p "$work/www" "$work/nginx-tmp"
cp "$work/answer.$typical" "$work/www/delivery.json"

# ---- measuring ----------------------------------------------------------------------
wrk_run() { # conns seconds url label -> $work/wrk.<label>; fails on any non-2xx answer
  wrk -t"$threads" -c"$1" -d"$2s" --latency -H "$auth" -s "$here/exchange_delivery.lua" "$3" \
    -- "$work/keys" >"$work/wrk.$4"
  if grep -q "Non-2xx" "$work/wrk.$4"; then
    cat "$work/wrk.$4" >&2
    echo "bench: $3 answered errors" >&2
    exit 1
  fi
}
answered() { awk '/requests in/ { print $1 }' "$work/wrk.$1"; }
socket_errors() { sed -n 's/^ *Socket errors: //p' "$work/wrk.$1"; }
ledger_size() { # the checkpoint's size, once it has stopped growing
  local a b
  b=$(curl -fs "$base/v1/ledger/checkpoint" | sed -n 2p)
  while :; do
    sleep 0.5
    a=$b
    b=$(curl -fs "$base/v1/ledger/checkpoint" | sed -n 2p)
    [ "$a" = "$b" ] && break
  done
  echo "$b"
}
delivered() { # the node's count of delivery requests with a status (200, or 0: client gone)
  curl -fs -H "Authorization: Bearer $monitor" "$base/metrics" | awk -v s="$1" '
    index($0, "yiwang_http_requests_total{route=\"/v1/exchange/resources/*\",method=\"GET\",status=\"" s "\"}") == 1 {
      n = $2 } END { print n + 0 }'
}
rss_kb() { awk '/^RssAnon/ { a = $2 } /^VmRSS/ { r = $2 } END { print a, r }' "/proc/$pid/status"; }

wrk -t"$threads" -c"$conns" -d5s -H "$auth" -s "$here/exchange_delivery.lua" "$base" -- "$work/keys" \
  >/dev/null # warm-up
size0=$(ledger_size)
ok0=$(delivered 200)
gone0=$(delivered other)
wrk_run "$conns" "$duration" "$base" yiwang
size1=$(ledger_size)
ok1=$(delivered 200)
gone1=$(delivered other)
python3 - "$node/yiwang.db" "$size0" "$size1" "$key_id" >"$work/entries" <<'PY'
import collections, json, sqlite3, sys
con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
types = collections.Counter()
for (entry,) in con.execute("SELECT entry FROM yw_ledger_entries WHERE idx >= ? AND idx < ?",
                            (int(sys.argv[2]), int(sys.argv[3]))):
    e = json.loads(entry)
    t = e.get("type", "?")
    if t == "exchange.delivery" and (e.get("system") != sys.argv[4] or e.get("records") != 1):
        t += " (other system or count)"
    types[t] += 1
print(types.get("exchange.delivery", 0), sum(types.values()) - types.get("exchange.delivery", 0))
for t, n in types.most_common():
    print("  %-40s %8d" % (t, n))
PY
wrk_run "$conns_low" "$duration" "$base" yiwang.low

# nginx serving the same bytes, same requests
nginx_start /v1/exchange/resources/ delivery.json /v1/exchange/resources/x
wrk -t"$threads" -c"$conns" -d2s -H "$auth" -s "$here/exchange_delivery.lua" "$nbase" -- "$work/keys" \
  >/dev/null # warm-up
wrk_run "$conns" "$duration" "$nbase" nginx
kill "$(cat "$work/nginx.pid")"
rm -f "$work/nginx.pid"

# Memory: RssAnon and VmRSS every 5 s during a separate run.
wrk -t"$threads" -c"$conns" -d"${mem_duration}s" --latency -H "$auth" -s "$here/exchange_delivery.lua" \
  "$base" -- "$work/keys" >"$work/wrk.mem" &
wrk_pid=$!
: >"$work/rss"
for t in $(seq 0 5 "$mem_duration"); do
  [ "$t" -gt 0 ] && sleep 5
  echo "$t $(rss_kb) $(curl -fs "$base/v1/ledger/checkpoint" | sed -n 2p)" >>"$work/rss"
done
wait "$wrk_pid"
wrk_pid=
if grep -q "Non-2xx" "$work/wrk.mem"; then
  cat "$work/wrk.mem" >&2
  echo "bench: the memory run answered errors" >&2
  exit 1
fi
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")

# ---- report -------------------------------------------------------------------------
echo
echo "bench: single-record deliveries, profile gm, SQLite; $(nproc) cores; wrk -t$threads -c$conns" \
  "-d${duration}s --latency, keep-alive, $n_keys identity numbers cycled (bench/exchange_delivery.lua);" \
  "grant $grant (ql.mzt, $(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' \
    "$work/fields.json") fields, masked by grade, no quota); nginx file $(wc -c <"$work/www/delivery.json") bytes"
line() { # label name
  printf '%-40s %9.0f req/s   p50 %8s   p99 %8s\n' "$2" "$(rps "$1")" "$(pct "$1" 50%)" "$(pct "$1" 99%)"
}
line yiwang "yiwang GET .../records?gmsfhm= (-c$conns)"
line nginx "nginx static file, same requests"
awk -v y="$(rps yiwang)" -v n="$(rps nginx)" -v t="$target_ratio" 'BEGIN {
  printf "ratio yiwang/nginx                       %9.3f   (target >= %.2f)\n", y / n, t }'
p99=$(to_ms "$(pct yiwang 99%)")
awk -v p="$p99" -v t="$target_ms" -v c="$conns" 'BEGIN {
  printf "p99 %.2f ms < %d ms at %d connections: %s\n", p, t, c, p < t ? "yes" : "NO" }'
line yiwang.low "yiwang, $conns_low connections (-c$conns_low)"
for l in yiwang yiwang.low nginx mem; do
  e=$(socket_errors "$l")
  [ -z "$e" ] || echo "wrk socket errors ($l): $e"
done

read -r deliveries others < <(head -1 "$work/entries")
w=$(answered yiwang)
ok=$((ok1 - ok0))
gone=$((gone1 - gone0))
echo "ledger: $size0 entries before the -c$conns run, $size1 after: grew by $((size1 - size0))" \
  "($deliveries exchange.delivery by this system, $others other)"
tail -n +2 "$work/entries"
echo "deliveries answered 200 (wrk's count, all 200)   $w"
echo "the node: answered 200 $ok, in flight when wrk closed its connections $gone"
awk -v d="$deliveries" -v ok="$ok" -v g="$gone" -v w="$w" 'BEGIN {
  printf "one ledger entry per delivery: %s (%d entries = %d answered + %d in flight; wrk read %d of the %d answers)\n",
    d == ok + g ? "yes" : "NO", d, ok, g, w, ok }'

echo "memory: RssAnon (VmRSS) of yiwang serve during a ${mem_duration} s run (-c$conns, $(answered mem) deliveries," \
  "$(rps mem) req/s, p99 $(pct mem 99%)):"
awk '{ printf "  %3d s %8.1f MB (%6.1f MB)   ledger %9d entries\n", $1, $2 / 1024, $3 / 1024, $4 }' "$work/rss"
awk -v t="$target_growth" -v h="$hwm" '$1 == 10 { a = $2; la = $4 } { b = $2; lb = $4; last = $1 } END {
  printf "growth from 10 s to %d s: %+.1f MB (%+.1f %%; target: stable, under %d %%): %s;" \
    " %.1f bytes per delivery over %d deliveries; peak (VmHWM) %.1f MB\n",
    last, (b - a) / 1024, 100 * (b - a) / a, t, 100 * (b - a) / a < t ? "yes" : "NO",
    (b - a) * 1024 / (lb - la), lb - la, h / 1024 }' "$work/rss"
