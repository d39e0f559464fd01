#!/usr/bin/env bash
# The data resource catalog at 100 000 resources (profile intl, SQLite), against
# baselines measured on this machine, in this run:
#  1. `yiwang catalog import --publish` of a generated catalog (bench/gen_catalog.py:
#     5-10 fields each, ~60 fictional providers, government data vocabulary with
#     Zipf-like term frequencies), wall time, against the sqlite3 CLI inserting the
#     same CSV rows as plain INSERTs into one table in one transaction (WAL,
#     synchronous=FULL, like the node). Resources/s and the ratio yiwang/raw.
#  2. GET /v1/catalog/search under wrk (2 threads, 8 connections, 20 s, keep-alive,
#     an API key with the data_steward role) cycling through ~50 queries
#     (bench/catalog_search.lua): 2-, 3- and 4-character Chinese words of high,
#     medium and low document frequency, English words and prefixes, filters,
#     no text, deep pages. Against nginx serving a file of the size of a typical
#     search response, same requests, same wrk settings. Requests/s, p50, p99, the
#     ratio, whether p99 < 10 ms (the target), and both at one connection (-c1).
#  3. Each query alone, one connection, REPEAT times (curl): the slowest are the
#     ones that make the p99.
#   bench/catalog_search.sh [--postgres] [path/to/yiwang]
# --postgres also runs 1-3 on PostgreSQL (under scripts/with-postgres.sh, which
# this script starts itself when YW_TEST_PG_URL is not set; that throwaway server
# runs with fsync=off, so its import figure is informative; its baseline is psql
# running the same INSERTs in one transaction).
# COUNT (100000), SEED, DURATION (20), THREADS (2), CONNS (8), REPEAT (20) and
# TOP (15 slowest queries listed) override the defaults. IMPORT_FILES=K splits the
# catalog into K files of whole resources, imported one after the other (K
# transactions) and timed together: one file is the measure, K files only build
# the node another way. CATALOG_DIR keeps the SQLite node (and the generated
# files) there and reuses them on the next run with the same COUNT and SEED,
# skipping the import and its timing; rm -rf it to start over.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
postgres=no
args=()
for a in "$@"; do
  case "$a" in
    --postgres) postgres=yes ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$a") ;;
  esac
done
if [ "$postgres" = yes ] && [ -z "${YW_TEST_PG_URL:-}" ]; then
  exec "$here/../scripts/with-postgres.sh" "$0" "$@"
fi
bin=$(realpath "${args[0]:-build/yiwang}")
count=${COUNT:-100000}
seed=${SEED:-20240601}
duration=${DURATION:-20}
threads=${THREADS:-2}
conns=${CONNS:-8}
repeat=${REPEAT:-20}
files=${IMPORT_FILES:-1}
target_ms=10

need() { # tool package
  command -v "$1" >/dev/null || {
    echo "bench: $1 missing: apt-get install $2${3:+ ($3)}" >&2
    exit 1
  }
}
need wrk wrk "or scripts/deps.sh --bench"
need nginx nginx-light "or scripts/deps.sh --bench"
need curl curl "or scripts/deps.sh --bench"
need /usr/bin/time time "or scripts/deps.sh --bench"
need sqlite3 sqlite3 "the SQLite command line shell; not in scripts/deps.sh"
need python3 python3
[ "$postgres" = no ] || need psql postgresql-client "or scripts/deps.sh --test"
[ -x "$bin" ] || { echo "bench: no yiwang binary at $bin (build it first)" >&2; exit 1; }

work=$(mktemp -d /tmp/yw-bench.XXXXXX)
. "$(dirname "$0")/lib.sh"
pid=
pg_db=
trap bench_cleanup EXIT

# /usr/bin/time -v's "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.03" -> seconds
wall_s() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
  for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$1"; }
rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$1"; }

# ---- the data --------------------------------------------------------------------
data=$work/data
node=$work/node
reuse=no
if [ -n "${CATALOG_DIR:-}" ]; then
  mkdir -p "$CATALOG_DIR"
  data=$CATALOG_DIR/data
  node=$CATALOG_DIR/node
  if [ "$(cat "$CATALOG_DIR/stamp" 2>/dev/null)" = "$count $seed" ] && [ -f "$node/yiwang.conf" ]; then
    reuse=yes
  else
    rm -rf "$data" "$node" "$CATALOG_DIR/stamp"
  fi
fi
if [ ! -f "$data/queries.tsv" ]; then
  echo "bench: generating $count resources (seed $seed)" >&2
  python3 "$here/gen_catalog.py" --out "$data" --count "$count" --seed "$seed"
fi
rows=$(($(wc -l <"$data/catalog.csv") - 1))
providers=$(awk -F'\t' '$5 != "other"' "$data/orgs.tsv" | wc -l)
cut -f3 "$data/queries.tsv" >"$work/paths"
n_queries=$(wc -l <"$work/paths")

add_orgs() { # dir
  while IFS=$'\t' read -r code name level division kind parent; do
    "$bin" org add --dir "$1" --code "$code" --name "$name" --level "$level" \
      --division "$division" --kind "$kind" ${parent:+--parent "$parent"} >/dev/null
  done <"$data/orgs.tsv"
}

# The CSV in $files parts of whole resources, each with the header.
split_csv() {
  rm -f "$work"/part-*.csv
  awk -F, -v parts="$files" -v n="$count" -v dir="$work" '
    NR == 1 { header = $0; next }
    $1 != code { code = $1; k++; part = int((k - 1) * parts / n) + 1
                 if (part != cur) { cur = part; out = sprintf("%s/part-%04d.csv", dir, part); print header > out } }
    { print > out }' "$data/catalog.csv"
}

# The node and its import, timed with /usr/bin/time -v into $1.time.
import() { # dir [--db URL]
  local dir=$1 list
  shift
  "$bin" init --dir "$dir" --profile intl --origin bench.example/catalog "$@" >/dev/null
  add_orgs "$dir"
  if [ "$files" -gt 1 ]; then
    split_csv
    list=("$work"/part-*.csv)
  else
    list=("$data/catalog.csv")
  fi
  echo "bench: importing $count resources into $dir ($files file(s))" >&2
  # shellcheck disable=SC2016 # expanded by the inner shell
  /usr/bin/time -v -o "$dir.time" sh -c 'bin=$1 dir=$2; shift 2
    for f in "$@"; do "$bin" catalog import --dir "$dir" "$f" --publish || exit 1; done' \
    sh "$bin" "$dir" "${list[@]}" >"$dir.import.out" 2>"$dir.import.err" || {
    tail -20 "$dir.import.err" >&2
    exit 1
  }
}

# ---- serving and measuring ---------------------------------------------------------
wrk_run() { # conns url label -> $work/wrk.<label>; fails on any non-2xx answer
  local c=$1 url=$2 label=$3 t=$threads
  [ "$c" -lt "$t" ] && t=$c
  wrk -t"$t" -c"$c" -d"${duration}s" --latency -H "$auth" -s "$here/catalog_search.lua" "$url" \
    -- "$work/paths" >"$work/wrk.$label"
  if grep -q "Non-2xx" "$work/wrk.$label"; then
    cat "$work/wrk.$label" >&2
    echo "bench: $url answered errors" >&2
    exit 1
  fi
}

stop() {
  kill "$pid"
  wait "$pid" || true
  pid=
}

# Every query alone, one connection, $repeat times: median and max seconds.
per_query() { # label -> $work/queries.<label>: median_ms max_ms class matches bytes path
  local out=$work/queries.$1 cls df path
  : >"$out"
  while IFS=$'\t' read -r cls df path; do
    local urls=()
    for _ in $(seq "$repeat"); do urls+=(-o /dev/null "$base$path"); done
    curl -s -H "$auth" -w '%{http_code} %{time_total} %{size_download}\n' "${urls[@]}" >"$work/curl.out"
    if awk '$1 != 200 { bad = 1 } END { exit !bad }' "$work/curl.out"; then
      echo "bench: $path answered $(awk '$1 != 200 { print $1; exit }' "$work/curl.out")" >&2
      exit 1
    fi
    sort -n -k2 "$work/curl.out" | awk -v cls="$cls" -v df="$df" -v path="$path" '
      { t[NR] = $2; b = $3 }
      END { printf "%.2f %.2f %s %s %d %s\n", t[int((NR + 1) / 2)] * 1000, t[NR] * 1000, cls, df, b, path }' \
      >>"$out"
  done <"$data/queries.tsv"
}

decode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote_plus(sys.argv[1]))' "$1"; }

report_queries() { # label p99_ms
  local label=$1 p99=$2
  echo "each query alone (curl, one connection, median of $repeat; wrk p99 of the mix: $p99 ms):"
  printf '  %8s %8s  %-12s %8s %7s  %s\n' median max class matches bytes query
  sort -rn "$work/queries.$label" | head -"${TOP:-15}" | while read -r med max cls df bytes path; do
    printf '  %6s ms %5s ms  %-12s %8s %7s  %s\n' "$med" "$max" "$cls" "$df" "$bytes" \
      "$(decode "${path#/v1/catalog/search?}")"
  done
  awk -v t="$target_ms" -v n="$n_queries" '$1 >= t { k++ } END {
    printf "  %d of %d queries take %d ms or more alone (each is %.1f%% of the mix)\n", k, n, t, 100 / n }' \
    "$work/queries.$label"
  awk '{ s += $1 } END { printf "  mean of the medians %.2f ms; ", s / NR }' "$work/queries.$label"
  sort -n "$work/queries.$label" | awk '{ m[NR] = $1 } END { printf "fastest %.2f ms\n", m[1] }'
}

search_bench() { # label -> rates and percentiles of yiwang, at $conns and at 1
  local label=$1
  curl -s -H "$auth" -o "$work/first.json" -w '%{http_code}' "$base$(head -1 "$work/paths")" >"$work/first.status"
  if [ "$(cat "$work/first.status")" != 200 ]; then
    echo "bench: search answered $(cat "$work/first.status"): $(head -c 300 "$work/first.json")" >&2
    exit 1
  fi
  wrk -t"$threads" -c"$conns" -d2s -H "$auth" -s "$here/catalog_search.lua" "$base" -- "$work/paths" \
    >/dev/null # warm-up
  wrk_run "$conns" "$base" "$label"
  wrk_run 1 "$base" "$label.c1"
  per_query "$label"
}

line() { # label name
  printf '%-38s %9.0f req/s   p50 %8s   p99 %8s\n' "$2" "$(rps "$1")" "$(pct "$1" 50%)" "$(pct "$1" 99%)"
}

# ---- 1. import (SQLite) ------------------------------------------------------------
if [ "$reuse" = yes ]; then
  echo "bench: reusing the node in $node (import not timed; rm -rf $CATALOG_DIR to redo it)" >&2
else
  import "$node"
  [ -n "${CATALOG_DIR:-}" ] && echo "$count $seed" >"$CATALOG_DIR/stamp"
  cp "$node.time" "$work/import.time"
  echo "bench: raw INSERTs with the sqlite3 CLI" >&2
  /usr/bin/time -v -o "$work/raw.time" sqlite3 "$work/raw.db" <"$data/baseline.sql" >/dev/null
  raw_rows=$(sqlite3 "$work/raw.db" "SELECT COUNT(*) FROM catalog_rows")
  [ "$raw_rows" = "$rows" ] || { echo "bench: raw table has $raw_rows rows, not $rows" >&2; exit 1; }
  db_mb=$(du -sm "$node" | cut -f1)
  raw_mb=$(du -cm "$work"/raw.db* | tail -1 | cut -f1)
  rm -f "$work"/raw.db*
fi
key=$("$bin" key create --dir "$node" --name "目录检索压测 $$" --org ql.gat --role data_steward | sed -n 2p)
auth="Authorization: Bearer $key"

# ---- 2, 3. search (SQLite) and nginx -----------------------------------------------
serve_node "$node"
search_bench sqlite
# A typical answer: the first page whose size is the median of the first pages.
first_pages=$(grep -v 'offset=' "$work/queries.sqlite" | sort -n -k5)
typical=$(echo "$first_pages" | awk '{ p[NR] = $6 } END { print p[int((NR + 1) / 2)] }')
mkdir -p "$work/www"
curl -fs -H "$auth" "$base$typical" >"$work/www/search.json"
# Peak resident memory, and the process's own (RssAnon, at the end of the run).
serve_hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
serve_anon=$(awk '/RssAnon/ { print $2 }' "/proc/$pid/status")
stop

nginx_start "= /v1/catalog/search" search.json /v1/catalog/search
wrk -t"$threads" -c"$conns" -d2s -H "$auth" -s "$here/catalog_search.lua" "$nbase" -- "$work/paths" >/dev/null
wrk_run "$conns" "$nbase" nginx
wrk_run 1 "$nbase" nginx.c1
kill "$(cat "$work/nginx.pid")"
rm -f "$work/nginx.pid"

# ---- report ------------------------------------------------------------------------
echo
echo "bench: $count resources ($rows fields, $providers providers), profile intl, SQLite; $(nproc) cores"
if [ "$reuse" = no ]; then
  ys=$(wall_s "$work/import.time")
  rs=$(wall_s "$work/raw.time")
  printf 'yiwang catalog import --publish        %9.0f resources/s   %8.2f s   peak RSS %5d MB   node %d MB%s\n' \
    "$(awk -v n="$count" -v s="$ys" 'BEGIN { print n / s }')" "$ys" "$(rss_mb "$work/import.time")" "$db_mb" \
    "$([ "$files" -gt 1 ] && echo "   ($files files)")"
  printf 'sqlite3 CLI, same rows, 1 transaction  %9.0f resources/s   %8.2f s   (%0.f rows/s)   db %d MB\n' \
    "$(awk -v n="$count" -v s="$rs" 'BEGIN { print n / s }')" "$rs" \
    "$(awk -v n="$rows" -v s="$rs" 'BEGIN { print n / s }')" "$raw_mb"
  awk -v y="$ys" -v r="$rs" 'BEGIN { printf "ratio yiwang/raw                       %9.3f\n", r / y }'
fi
echo "search: wrk -t$threads -c$conns -d${duration}s --latency, keep-alive, $n_queries queries cycled" \
  "(bench/catalog_search.lua), API key (data_steward, ql.gat); nginx file $(wc -c <"$work/www/search.json") bytes"
line sqlite "yiwang GET /v1/catalog/search"
line nginx "nginx static file, same requests"
awk -v y="$(rps sqlite)" -v n="$(rps nginx)" 'BEGIN { printf "ratio yiwang/nginx                     %9.3f\n", y / n }'
p99=$(to_ms "$(pct sqlite 99%)")
awk -v p="$p99" -v t="$target_ms" -v n="$count" 'BEGIN {
  printf "p99 %.2f ms < %d ms at %d resources: %s\n", p, t, n, p < t ? "yes" : "NO" }'
line sqlite.c1 "yiwang, one connection (-c1)"
line nginx.c1 "nginx, one connection (-c1)"
printf 'yiwang serve peak RSS (VmHWM)          %9d MB   (own memory, RssAnon: %d MB)\n' \
  $((serve_hwm / 1024)) $((serve_anon / 1024))
report_queries sqlite "$p99"

# ---- 4. PostgreSQL -------------------------------------------------------------------
if [ "$postgres" = yes ]; then
  pg_db="yw_bench_catalog_$$"
  psql -X -q -v ON_ERROR_STOP=1 "$YW_TEST_PG_URL" -c "CREATE DATABASE $pg_db" >/dev/null
  pg_url="${YW_TEST_PG_URL%/*}/$pg_db" # the server's URL names its default database last
  import "$work/pgnode" --db "$pg_url"
  psql -X -q -v ON_ERROR_STOP=1 "$YW_TEST_PG_URL" -c "CREATE DATABASE ${pg_db}_raw" >/dev/null
  raw_url="${YW_TEST_PG_URL%/*}/${pg_db}_raw"
  grep -v '^PRAGMA' "$data/baseline.sql" >"$work/baseline.pg.sql"
  echo "bench: raw INSERTs with psql" >&2
  /usr/bin/time -v -o "$work/rawpg.time" psql -X -q -v ON_ERROR_STOP=1 "$raw_url" -f "$work/baseline.pg.sql" \
    >/dev/null
  psql -X -q "$YW_TEST_PG_URL" -c "DROP DATABASE ${pg_db}_raw" >/dev/null
  key=$("$bin" key create --dir "$work/pgnode" --name "目录检索压测 $$" --org ql.gat --role data_steward | sed -n 2p)
  auth="Authorization: Bearer $key"
  serve_node "$work/pgnode"
  search_bench pg
  stop
  echo
  echo "bench: the same on PostgreSQL (throwaway server, fsync=off)"
  ys=$(wall_s "$work/pgnode.time")
  rs=$(wall_s "$work/rawpg.time")
  printf 'yiwang catalog import --publish        %9.0f resources/s   %8.2f s   peak RSS %5d MB\n' \
    "$(awk -v n="$count" -v s="$ys" 'BEGIN { print n / s }')" "$ys" "$(rss_mb "$work/pgnode.time")"
  printf 'psql, same rows, 1 transaction         %9.0f resources/s   %8.2f s\n' \
    "$(awk -v n="$count" -v s="$rs" 'BEGIN { print n / s }')" "$rs"
  awk -v y="$ys" -v r="$rs" 'BEGIN { printf "ratio yiwang/raw                       %9.3f\n", r / y }'
  line pg "yiwang GET /v1/catalog/search"
  awk -v y="$(rps pg)" -v n="$(rps nginx)" 'BEGIN { printf "ratio yiwang/nginx (nginx above)       %9.3f\n", y / n }'
  p99=$(to_ms "$(pct pg 99%)")
  awk -v p="$p99" -v t="$target_ms" -v n="$count" 'BEGIN {
    printf "p99 %.2f ms < %d ms at %d resources: %s\n", p, t, n, p < t ? "yes" : "NO" }'
  line pg.c1 "yiwang, one connection (-c1)"
  report_queries pg "$p99"
fi
