#!/usr/bin/env bash
# Ledger appends through the group committer (`yiwang ledger append`: batches of
# up to 1000 entries, each one durable transaction with its hash tiles and a signed
# checkpoint; SQLite WAL, synchronous=FULL) against raw SQLite inserts of rows of the
# same average size into a table of the same shape, same pragmas, same 1000 rows per
# transaction (bench/raw_insert.c), on this machine, in this run.
# Prints both rates and the ratio yiwang/raw (target >= 0.5).
#   bench/ledger_append.sh [path/to/yiwang]
# COUNT overrides the number of entries (default 1000000). Run under
# scripts/with-postgres.sh to also time the same append on PostgreSQL (that
# throwaway server runs with fsync=off: informative only, no baseline).
set -euo pipefail
bin=$(realpath "${1:-build/yiwang}")
count=${COUNT:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
for tool in gcc python3; do
  command -v $tool >/dev/null || { echo "bench: $tool missing" >&2; exit 1; }
done

work=$(mktemp -d /tmp/yw-bench.XXXXXX)
pg_db=
cleanup() {
  [ -n "$pg_db" ] && psql -X -q "$YW_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

gcc -O2 -std=c17 -Wall -Wextra -Werror -o "$work/raw_insert" "$here/raw_insert.c" -lsqlite3

# "appended N test entries in S s (R entries/s)" -> R
append_rate() { sed -n 's/.*entries in [0-9.]* s (\([0-9]*\) entries\/s).*/\1/p' "$1"; }

# yiwang, SQLite
"$bin" init --dir "$work/node" --profile intl --origin bench.example/node >/dev/null
"$bin" ledger append --dir "$work/node" --count "$count" 2>"$work/append.err" || {
  cat "$work/append.err" >&2
  exit 1
}
y=$(append_rate "$work/append.err")
avg=$(python3 - "$work/node/yiwang.db" <<'PY'
import sqlite3, sys
con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
n, avg = con.execute("SELECT COUNT(*), AVG(LENGTH(entry)) FROM yw_ledger_entries "
                     "WHERE idx > 0").fetchone()  # idx 0 is node.init, not a test entry
print(round(avg))
PY
)
rm -rf "$work/node"

# raw SQLite inserts, same row size, same file system
"$work/raw_insert" "$work/raw.db" "$count" "$avg" 1000 >"$work/raw.out"
r=$(sed -n 's/.*(\([0-9]*\) rows\/s).*/\1/p' "$work/raw.out")
rm -f "$work"/raw.db*

echo "bench: $count entries of $avg bytes on average; SQLite WAL, synchronous=FULL, 1000 per transaction"
printf 'yiwang ledger append (SQLite)   %10.0f entries/s\n' "$y"
printf 'raw SQLite INSERT               %10.0f rows/s\n' "$r"
awk -v y="$y" -v r="$r" 'BEGIN { printf "ratio yiwang/raw                %10.2f   (target >= 0.50)\n", y / r }'

if [ -n "${YW_TEST_PG_URL:-}" ]; then
  pg_db="yw_bench_$$"
  psql -X -q -v ON_ERROR_STOP=1 "$YW_TEST_PG_URL" -c "CREATE DATABASE $pg_db" >/dev/null
  pg_url="${YW_TEST_PG_URL%/*}/$pg_db"  # the server's URL names its default database last
  "$bin" init --dir "$work/pgnode" --profile intl --origin bench.example/node --db "$pg_url" >/dev/null
  "$bin" ledger append --dir "$work/pgnode" --count "$count" 2>"$work/append-pg.err" || {
    cat "$work/append-pg.err" >&2
    exit 1
  }
  printf 'yiwang ledger append (PostgreSQL, fsync=off) %10.0f entries/s   (informative, no baseline)\n' \
    "$(append_rate "$work/append-pg.err")"
fi
