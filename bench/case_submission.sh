#!/usr/bin/env bash
# Case submissions (办件) with two materials fetched by sharing, on the demo node
# (SQLite WAL, synchronous=FULL), against baselines on this machine, in this run:
#  1. POST /v1/services/cases {"submit": true} under wrk (2 threads, CONNS
#     connections, DURATION s), by a self-service kiosk of 青川市行政审批服务局 (an
#     API key with the window_clerk role), for 1000 residents who have both a
#     household (户籍) and a marriage (婚姻登记) record: each case makes two
#     exchange deliveries under the bureau's standing grants (two ledger entries),
#     then one transaction writing the case, its materials and steps, then its own
#     two ledger entries (create, submit). Cases/s, p50, p99. Every answer must be
#     201, and every case must hold both materials obtained by sharing.
#  2. The same node's single-record deliveries of the household resource under
#     wrk (GET, same settings): a case needs two, so half this rate is what
#     fetching alone would allow. The ratio cases / (deliveries / 2).
#  3. nginx serving a file of the size of a case answer (GET), same settings: the
#     ratio yiwang/nginx.
#   bench/case_submission.sh [path/to/yiwang]
# DURATION (20), THREADS (2) and CONNS (16) override the defaults.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-build/yiwang}")
duration=${DURATION:-20}
threads=${THREADS:-2}
conns=${CONNS:-16}
item=XK-00199-000
for tool in wrk nginx curl python3; do
  command -v $tool >/dev/null || { echo "bench: $tool missing (run scripts/deps.sh --bench)" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "bench: no yiwang binary at $bin (build it first)" >&2; exit 1; }

work=$(mktemp -d /tmp/yw-bench.XXXXXX)
. "$here/lib.sh"
pid=
trap bench_cleanup EXIT

# ---- the demo node, the item, the kiosk ---------------------------------------------
demo_node
cat >"$work/item.json" <<JSON
{"code": "$item", "name": "个体工商户经营者信息核验（压测事项）", "org": "ql.qc.xzsp",
 "legal_basis": "《促进个体工商户发展条例》第八条", "objects": ["citizen"],
 "conditions": "经营者为具有经营能力的自然人", "channels": ["kiosk", "window"],
 "legal_days": 10, "promised_days": 3,
 "materials": [
  {"name": "户籍信息", "resource": "101001/000002", "fields": ["xm", "xb", "csrq", "hjdz"],
   "key_field": "gmsfhm"},
  {"name": "婚姻状况证明", "resource": "101002/000001", "fields": ["hyzk", "djrq", "djjg"],
   "key_field": "dsrgmsfhm"}]}
JSON
"$bin" services item --dir "$node" "$work/item.json" >/dev/null
kiosk=$("$bin" key create --dir "$node" --name 青川市民中心自助终端 --org ql.qc.xzsp \
  --role window_clerk --allow-ip 127.0.0.1,::1 | sed -n 2p)
system=$("$bin" key create --dir "$node" --name 交付基线系统 --org ql.mzt --role data_steward \
  --allow-ip 127.0.0.1,::1 | sed -n 2p)
password=$("$bin" account add --dir "$node" --kind staff --login bench.mzt --name 交付压测 \
  --org ql.mzt --role data_steward | sed -n 's/.*(shown once): //p')

# 1000 residents with a household and a marriage record.
python3 - "$node/yiwang.db" "$work/keys" <<'PY'
import sqlite3, sys
con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
keys = [k for (k,) in con.execute(
    "SELECT h.key FROM yw_exchange_records h JOIN yw_exchange_records m ON m.code = "
    "'101002/000001' AND m.key = h.key WHERE h.code = '101001/000002' ORDER BY h.key")]
step = max(1, len(keys) // 1000)
open(sys.argv[2], "w").writelines(k + "\n" for k in keys[::step][:1000])
PY

serve_node "$node"

# The baseline system's grant: the household resource, no quota (无条件共享, at once).
echo '["gmsfhm", "xm", "xb", "csrq", "hjdz"]' >"$work/fields.json"
grant_without_quota "$base" bench.mzt "$password" "${system%%.*}" "$work/fields.json" >/dev/null
first=$(head -1 "$work/keys")
status=$(curl -s -o "$work/www-case.json" -w '%{http_code}' -H "Authorization: Bearer $kiosk" \
  -H 'Content-Type: application/json' "$base/v1/services/cases" \
  -d "{\"item\":\"$item\",\"channel\":\"kiosk\",\"submit\":true,\"applicant\":{\"kind\":\"citizen\",\"id_number\":\"$first\",\"name\":\"压测申请人\",\"identity_checked\":true}}")
sources=$(python3 -c 'import json,sys; print(",".join(m["source"] for m in json.load(open(sys.argv[1]))["materials"]))' "$work/www-case.json" 2>/dev/null || true)
if [ "$status" != 201 ] || [ "$sources" != "sharing,sharing" ]; then
  echo "bench: a case answered $status ($sources): $(head -c 400 "$work/www-case.json")" >&2
  exit 1
fi

wrk_run() { # label url lua args... -> $work/wrk.<label>; fails on any non-2xx answer
  local label=$1 url=$2 lua=$3
  shift 3
  wrk -t"$threads" -c"$conns" -d"${duration}s" --latency "${auth[@]}" -s "$lua" "$url" -- "$@" \
    >"$work/wrk.$label"
  if grep -q "Non-2xx" "$work/wrk.$label"; then
    cat "$work/wrk.$label" >&2
    echo "bench: $label answered errors" >&2
    exit 1
  fi
}

echo "bench: case submissions for ${duration}s" >&2
auth=(-H "Authorization: Bearer $kiosk")
wrk_run cases "$base" "$here/case_submission.lua" "$work/keys" "$item"
echo "bench: single-record deliveries for ${duration}s" >&2
auth=(-H "Authorization: Bearer $system")
wrk_run deliveries "$base" "$here/exchange_delivery.lua" "$work/keys"
kill "$pid"
wait "$pid" || true
pid=

# Every case holds both materials by sharing.
read -r made shared < <(python3 - "$node/yiwang.db" "$item" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
made = con.execute("SELECT COUNT(*) FROM yw_service_cases WHERE item = ?", (sys.argv[2],)).fetchone()[0]
shared = con.execute("SELECT COUNT(*) FROM yw_service_materials m JOIN yw_service_cases c ON "
                     "c.id = m.case_id WHERE c.item = ? AND m.source = 'sharing'",
                     (sys.argv[2],)).fetchone()[0]
print(made, shared)
PY
)

echo "bench: nginx baseline for ${duration}s" >&2
mkdir -p "$work/www"
cp "$work/www-case.json" "$work/www/case.json"
nginx_start "/v1/exchange/resources/" case.json /v1/exchange/resources/101001/000002/records
auth=()
wrk_run nginx "$nbase" "$here/exchange_delivery.lua" "$work/keys"

line() { printf '%-46s %9.0f req/s   p50 %8s   p99 %8s\n' "$2" "$(rps "$1")" "$(pct "$1" 50%)" "$(pct "$1" 99%)"; }
echo
echo "bench: case submissions with two materials by sharing, demo node, SQLite; $(nproc) cores;" \
  "wrk -t$threads -c$conns -d${duration}s --latency, keep-alive; answer $(wc -c <"$work/www/case.json") bytes"
line cases "yiwang POST /v1/services/cases (2 fetched)"
line deliveries "yiwang GET one delivery (same node)"
line nginx "nginx static file of a case answer"
awk -v c="$(rps cases)" -v d="$(rps deliveries)" -v n="$(rps nginx)" 'BEGIN {
  printf "ratio cases / (deliveries / 2)                 %9.3f\n", c / (d / 2)
  printf "ratio yiwang cases / nginx                     %9.3f\n", c / n }'
echo "cases written $made, materials by sharing $shared (2 per case: $([ "$shared" -eq $((2 * made)) ] && echo yes || echo NO))"
