#!/usr/bin/env bash
# 好差评 statistics at 1 000 000 reviews (profile intl, SQLite), against a
# baseline measured on this machine, in this run:
#  1. The data set: 1M reviews written straight into the node's database by the
#     sqlite3 CLI (200 items of 20 organisations, 400 staff members, four
#     channels, 365 days, levels skewed towards 非常满意 as real ones are), the
#     rectifications of the bad ones (the last month's in every state, older
#     ones done but one in fifty overdue), and the day and month rollup rows
#     as each review's and step's transaction keeps them (rebuilt here with
#     GROUP BYs). The
#     same reviews and rectifications go into two plain tables (no indexes, no
#     rollup) of a separate database: the baseline.
#  2. GET /v1/services/stats (an auditor's API key: every organisation) cycling
#     by=item, org, staff and channel over all time and over the last 30 days,
#     and the public summary GET /v1/services/stats/public (by item and org),
#     under wrk (2 threads, 8 connections, DURATION s, keep-alive) and at one
#     connection: requests/s, p50, p99.
#  3. The baseline: the same aggregate (count, level sum, count of each level,
#     bad reviews, rectifications closed/open/overdue) by item over all time,
#     as raw SQLite queries over the plain tables in one process (Python's
#     sqlite3 module), REPEAT times after a warm-up: the median wall time. The ratio is baseline / yiwang's p50 at one connection (above 1:
#     the HTTP answer, JSON and all, is faster than the raw scan).
#   bench/review_stats.sh [path/to/yiwang]
# COUNT (1000000), DURATION (10), THREADS (2), CONNS (8) and REPEAT (10)
# override the defaults; KEEP=1 keeps the scratch directory (node and plain
# tables) for a closer look. Run it under `flock /tmp/yw-bench.lock` on a shared
# machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
case "${1:-}" in -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
bin=$(realpath "${1:-build/yiwang}")
count=${COUNT:-1000000}
duration=${DURATION:-10}
threads=${THREADS:-2}
conns=${CONNS:-8}
repeat=${REPEAT:-10}

need() { command -v "$1" >/dev/null || { echo "bench: $1 missing: apt-get install $2" >&2; exit 1; }; }
need wrk wrk
need curl curl
need sqlite3 sqlite3
need python3 python3
[ -x "$bin" ] || { echo "bench: no yiwang binary at $bin (build it first)" >&2; exit 1; }

work=$(mktemp -d /tmp/yw-bench.XXXXXX)
. "$here/lib.sh"
pid=
trap bench_cleanup EXIT

# ---- 1. the data ---------------------------------------------------------------------
node=$work/node
"$bin" init --dir "$node" --profile intl --origin bench.example/reviews >/dev/null
for k in $(seq 0 19); do
  "$bin" org add --dir "$node" --code "$(printf 'ql.d%02d' "$k")" --name "青岚省第${k}厅" \
    --level province --division 110000 --kind department >/dev/null
done
"$bin" org add --dir "$node" --code ql.dsj --name 青岚省大数据管理局 --level province \
  --division 110000 --kind data_authority >/dev/null
key=$("$bin" key create --dir "$node" --name "评价统计压测 $$" --org ql.dsj --role auditor | tail -1)
auth="Authorization: Bearer $key"
today=$(python3 -c 'import datetime; print((datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date().toordinal() - datetime.date(1970, 1, 1).toordinal())')
db=$node/yiwang.db

# One review per row of a recursive counter; everything else from a hash of it.
gen_sql() { # table_prefix plain(yes/no)
  cat <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE gen AS
  WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $count)
  SELECT i, abs(random()) AS r1, abs(random()) AS r2, abs(random()) AS r3 FROM c;
CREATE TEMP TABLE rows AS SELECT
  printf('rev-%016x', i) AS id, printf('case-%016x', i / 2) AS case_id,
  CASE i % 2 WHEN 0 THEN 'accept' ELSE 'complete' END AS stage,
  printf('XK-%05d-000', r1 % 200) AS item, printf('ql.d%02d', (r1 % 200) % 20) AS org,
  printf('account:clerk.%02d.%02d', (r1 % 200) % 20, r2 % 20) AS staff,
  CASE r2 % 10 WHEN 0 THEN 'kiosk' WHEN 1 THEN 'mobile' WHEN 2 THEN 'mobile' WHEN 3 THEN 'window'
    WHEN 4 THEN 'window' ELSE 'online' END AS channel,
  CASE WHEN r3 % 100 < 70 THEN 5 WHEN r3 % 100 < 88 THEN 4 WHEN r3 % 100 < 94 THEN 3
    WHEN r3 % 100 < 97 THEN 2 ELSE 1 END AS level,
  $today - (r3 / 100) % 365 AS day, r3 / 36500 AS r4 FROM gen;
SQL
}

echo "bench: generating $count reviews into the node's database" >&2
t0=$(date +%s.%N)
{
  gen_sql
  cat <<SQL
INSERT INTO yw_service_reviews (id, case_id, stage, item, org, staff, channel, level, bad,
  indicators, comment, day, created_by, created_at)
  SELECT id, case_id, stage, item, org, staff, channel, level, level <= 2,
    '{"overall":' || level || '}', NULL, day, 'bench', '2026-01-01T00:00:00.000Z' FROM rows;
-- Rectifications: those of the last month in every state, older ones done
-- but for one in fifty still open (overdue).
INSERT INTO yw_service_rectifications (id, review_id, case_id, item, org, staff, channel, state,
  day, due_day, satisfaction, doc, created_at, updated_at)
  SELECT 'rect-' || substr(id, 5), id, case_id, item, org, staff, channel, state, day, day + 21,
    CASE WHEN state = 'rated' THEN CASE (r4 / 7) % 3 WHEN 0 THEN 'satisfied'
      WHEN 1 THEN 'basically_satisfied' ELSE 'dissatisfied' END END,
    '{}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
  FROM (SELECT *, CASE WHEN day > $today - 30 THEN CASE r4 % 7 WHEN 0 THEN 'open'
      WHEN 1 THEN 'called_back' WHEN 2 THEN 'verified' WHEN 3 THEN 'appealed'
      WHEN 4 THEN 'rectified' WHEN 5 THEN 'explained' ELSE 'rated' END
    WHEN r4 % 50 = 0 THEN 'open' WHEN r4 % 3 = 0 THEN 'rectified' WHEN r4 % 3 = 1 THEN 'explained'
    ELSE 'rated' END AS state FROM rows WHERE level <= 2);
-- The rollup as each review's and each step's transaction keeps it.
CREATE TEMP TABLE j AS SELECT r.day,
    CAST(julianday(date(r.day * 86400, 'unixepoch', 'start of month')) - 2440587.5 AS INTEGER) AS month,
    r.org, r.item, r.staff, r.channel, r.level, x.id IS NOT NULL AS xt,
    COALESCE(x.state IN ('rectified', 'explained', 'rated'), 0) AS xc,
    COALESCE(x.state IN ('open', 'called_back', 'verified', 'appealed'), 0) AS xo,
    COALESCE(x.satisfaction = 'satisfied', 0) AS xs,
    COALESCE(x.satisfaction = 'basically_satisfied', 0) AS xb,
    COALESCE(x.satisfaction = 'dissatisfied', 0) AS xd
  FROM yw_service_reviews r LEFT JOIN yw_service_rectifications x ON x.review_id = r.id;
SQL
  for dim in item staff channel; do
    for grain in day month; do
      col=day
      [ "$grain" = month ] && col=month
      cat <<SQL
INSERT INTO yw_service_review_rollup SELECT '$dim', '$grain', $col, org, $dim, COUNT(*), SUM(level),
  SUM(level = 1), SUM(level = 2), SUM(level = 3), SUM(level = 4), SUM(level = 5), SUM(xt), SUM(xc),
  SUM(xo), SUM(xs), SUM(xb), SUM(xd) FROM j GROUP BY $col, org, $dim;
SQL
    done
  done
  cat <<SQL
INSERT INTO yw_service_items (code, name, type, org, objects, doc, terms, created_at, updated_at)
  SELECT DISTINCT item, '压测事项' || substr(item, 4, 5), 'XK', org, '["citizen"]', '{}', '', '', ''
  FROM rows;
COMMIT;
ANALYZE;
SQL
} | sqlite3 "$db" >/dev/null
# The baseline: the same rows in plain tables, nothing else.
{
  cat <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
CREATE TABLE reviews (item TEXT, org TEXT, staff TEXT, channel TEXT, level INTEGER, day INTEGER);
CREATE TABLE rects (item TEXT, org TEXT, state TEXT, day INTEGER, due_day INTEGER,
  satisfaction TEXT);
ATTACH '$db' AS node;
BEGIN;
INSERT INTO reviews SELECT item, org, staff, channel, level, day FROM node.yw_service_reviews;
INSERT INTO rects SELECT item, org, state, day, due_day, satisfaction
  FROM node.yw_service_rectifications;
COMMIT;
SQL
} | sqlite3 "$work/plain.db" >/dev/null
t1=$(date +%s.%N)
n_reviews=$(sqlite3 "$db" "SELECT COUNT(*) FROM yw_service_reviews")
n_rects=$(sqlite3 "$db" "SELECT COUNT(*) FROM yw_service_rectifications")
n_days=$(sqlite3 "$db" "SELECT COUNT(*) FROM yw_service_review_rollup")
[ "$n_reviews" = "$count" ] || { echo "bench: $n_reviews reviews, not $count" >&2; exit 1; }

# ---- 2. yiwang under wrk -----------------------------------------------------------------
serve_node "$node"
from30=$(python3 -c "import datetime; print((datetime.date(1970, 1, 1) + datetime.timedelta(days=$today - 29)).isoformat())")
: >"$work/stats.paths"
for by in item org staff channel; do
  echo "/v1/services/stats?by=$by" >>"$work/stats.paths"
  echo "/v1/services/stats?by=$by&from=$from30" >>"$work/stats.paths"
done
printf '/v1/services/stats/public?by=item\n/v1/services/stats/public?by=org\n' >"$work/public.paths"

# The answers must agree with the plain tables.
curl -fs -H "$auth" "$base/v1/services/stats?by=item" >"$work/answer.json"
python3 - "$work/answer.json" "$work/plain.db" "$today" <<'PY'
import json, sqlite3, sys
answer = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
today = int(sys.argv[3])
want = {r[0]: r[1:] for r in db.execute(
    "SELECT item, COUNT(*), SUM(level), SUM(level <= 2) FROM reviews GROUP BY item")}
rects = {r[0]: r[1:] for r in db.execute(
    "SELECT item, SUM(state IN ('open', 'called_back', 'verified') AND due_day < ?), "
    "SUM(state IN ('rectified', 'explained', 'rated')), SUM(COALESCE(satisfaction, '') = 'satisfied') "
    "FROM rects GROUP BY item", (today,))}
got = {g["key"]: g for g in answer["groups"]}
assert set(got) == set(want), (len(got), len(want))
for k, (n, s, bad) in want.items():
    g = got[k]
    assert (g["count"], g["bad"]) == (n, bad), (k, g, n, bad)
    assert abs(g["average"] - s / n) < 0.006, (k, g["average"], s / n)
    x = g["rectifications"]
    assert (x["overdue"], x["closed"], x["rated"]["satisfied"]) == rects.get(k, (0, 0, 0)), (k, x)
print("bench: yiwang's statistics agree with the plain tables (%d items)" % len(got), file=sys.stderr)
PY

run_wrk() { # conns label paths [header]
  local t=$threads
  [ "$1" -lt "$t" ] && t=$1
  wrk -t"$t" -c"$1" -d"${duration}s" --latency ${4:+-H "$4"} -s "$here/catalog_search.lua" "$base" \
    -- "$3" >"$work/wrk.$2"
  if grep -q "Non-2xx" "$work/wrk.$2"; then
    cat "$work/wrk.$2" >&2
    echo "bench: errors answered" >&2
    exit 1
  fi
}
wrk -t1 -c1 -d2s -H "$auth" -s "$here/catalog_search.lua" "$base" -- "$work/stats.paths" >/dev/null
run_wrk "$conns" stats "$work/stats.paths" "$auth"
run_wrk 1 stats.c1 "$work/stats.paths" "$auth"
run_wrk "$conns" public "$work/public.paths"
run_wrk 1 public.c1 "$work/public.paths"
# by=item over all time alone, one connection: the query the baseline repeats.
echo "/v1/services/stats?by=item" >"$work/item.paths"
run_wrk 1 item.c1 "$work/item.paths" "$auth"
serve_hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
kill "$pid"
wait "$pid" || true
pid=

# ---- 3. the baseline: raw sqlite3 over the plain tables ---------------------------------
raw_sql="SELECT item, COUNT(*), SUM(level), SUM(level = 1), SUM(level = 2), SUM(level = 3),
  SUM(level = 4), SUM(level = 5), SUM(level <= 2) FROM reviews GROUP BY item;
SELECT item, COUNT(*), SUM(state IN ('rectified', 'explained', 'rated')),
  SUM(state IN ('open', 'called_back', 'verified', 'appealed')),
  SUM(state IN ('open', 'called_back', 'verified') AND due_day < $today),
  SUM(satisfaction = 'satisfied'), SUM(satisfaction = 'basically_satisfied'),
  SUM(satisfaction = 'dissatisfied') FROM rects GROUP BY item;"
# Timed in one process (Python's sqlite3 module), REPEAT times after a warm-up:
# the median, in ms.
time_sql() { # db sql
  python3 - "$1" "$2" "$repeat" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
runs = []
for k in range(int(sys.argv[3]) + 1):
    t = time.perf_counter()
    for stmt in sys.argv[2].split(";"):
        if stmt.strip():
            db.execute(stmt).fetchall()
    if k:  # the first warms the page cache
        runs.append((time.perf_counter() - t) * 1000)
runs.sort()
print("%.2f" % runs[(len(runs) - 1) // 2])
PY
}
raw_ms=$(time_sql "$work/plain.db" "$raw_sql")
# The same raw scan over the node's own review table (what the rollup saves).
scan_ms=$(time_sql "$db" "SELECT item, COUNT(*), SUM(level), SUM(level = 1), SUM(level = 2),
  SUM(level = 3), SUM(level = 4), SUM(level = 5) FROM yw_service_reviews WHERE void = 0 GROUP BY item")

# ---- report ---------------------------------------------------------------------------
line() { printf '%-44s %9.0f req/s   p50 %8s   p99 %8s\n' "$2" "$(rps "$1")" "$(pct "$1" 50%)" "$(pct "$1" 99%)"; }
echo
echo "bench: $n_reviews reviews, $n_rects rectifications, $n_days rollup rows (day and month); profile intl, SQLite;" \
  "$(nproc) cores; data set written in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
echo "wrk -t$threads -c$conns -d${duration}s --latency, keep-alive; stats: an auditor's key, by item/org/staff/channel," \
  "all time and last 30 days cycled"
line stats "yiwang GET /v1/services/stats (8 queries)"
line stats.c1 "  the same, one connection"
line public "yiwang GET /v1/services/stats/public"
line public.c1 "  the same, one connection"
line item.c1 "yiwang stats?by=item, one connection"
item_ms=$(to_ms "$(pct item.c1 50%)")
printf '%-44s %9s ms (median of %d, in process, Python sqlite3)\n' \
  "raw sqlite3, same aggregate, plain tables" "$raw_ms" "$repeat"
printf '%-44s %9s ms\n' "raw sqlite3, scan of yw_service_reviews" "$scan_ms"
awk -v r="$raw_ms" -v y="$item_ms" 'BEGIN { printf "ratio raw/yiwang (by item, p50 at -c1)      %9.2f   (yiwang %s ms)\n", r / y, y }'
printf 'yiwang serve peak RSS (VmHWM)                %9d MB\n' $((serve_hwm / 1024))
