#!/usr/bin/env bash
# Runs a command next to a throwaway PostgreSQL 15:
#   scripts/with-postgres.sh COMMAND [ARGS...]
# initdb's a fresh cluster in a new temporary directory, starts it on a free
# port of 127.0.0.1 (its unix socket stays inside the directory), exports
#   YW_TEST_PG_URL=postgres://postgres@127.0.0.1:PORT/postgres
# runs the command, then always stops the server and removes the directory.
# Exits with the command's status. The server's log is kept in the directory
# and its tail printed if the server fails to start.
#
# Run as root, the server runs as the `postgres` OS user (PostgreSQL refuses
# to run as root); otherwise as the current user. PGBIN overrides the
# Debian binary directory.
set -euo pipefail

pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}
me=$(basename "$0")

if (($# == 0)); then
  echo "usage: $me COMMAND [ARGS...]" >&2
  exit 2
fi
for tool in initdb pg_ctl postgres; do
  if [[ ! -x $pgbin/$tool ]]; then
    echo "$me: $pgbin/$tool not found: install PostgreSQL 15 (apt-get install postgresql) or set PGBIN" >&2
    exit 1
  fi
done

as_server=()
if [[ $(id -u) -eq 0 ]]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "$me: running as root but there is no postgres user to run the server as" >&2
    exit 1
  fi
  as_server=(runuser -u postgres --)
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/yw-pg-XXXXXX")
data=$dir/data
log=$dir/server.log
started=no

# shellcheck disable=SC2317  # reached through the trap
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ $started == yes ]]; then
    # immediate: nothing here is worth a clean shutdown checkpoint.
    (cd "$dir" && "${as_server[@]}" "$pgbin/pg_ctl" -D "$data" -m immediate -w stop) \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ((${#as_server[@]} > 0)); then
  chown postgres: "$dir"
fi
chmod 700 "$dir"

# The server's user may not be allowed into the caller's working directory.
if ! (cd "$dir" && "${as_server[@]}" "$pgbin/initdb" -D "$data" --auth=trust -E UTF8 \
  --locale=C.UTF-8 -U postgres --no-sync) >"$dir/initdb.log" 2>&1; then
  echo "$me: initdb failed:" >&2
  tail -n 20 "$dir/initdb.log" >&2
  exit 1
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Another process may take the port between our probe and the server's bind:
# try a few ports.
port=
for _ in 1 2 3 4 5; do
  candidate=$(free_port)
  # fsync off: a throwaway cluster need not survive a power cut, and tests
  # create and drop many databases.
  if (cd "$dir" && "${as_server[@]}" "$pgbin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $candidate -k $dir -c fsync=off -c full_page_writes=off" \
    start) >/dev/null 2>&1; then
    port=$candidate
    started=yes
    break
  fi
  if ! grep -q "could not bind\|Address already in use" "$log" 2>/dev/null; then
    break
  fi
done
if [[ -z $port ]]; then
  echo "$me: PostgreSQL did not start; the end of its log:" >&2
  tail -n 20 "$log" >&2 || true
  # A half-started server may still be running.
  (cd "$dir" && "${as_server[@]}" "$pgbin/pg_ctl" -D "$data" -m immediate -w stop) \
    >/dev/null 2>&1 || true
  exit 1
fi

export YW_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
set +e
"$@"
status=$?
set -e
exit "$status"
