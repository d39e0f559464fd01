# Shared by the benchmark scripts: source it after setting $work (the run's
# scratch directory). bash only.

# A free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# bench_cleanup: the EXIT trap of the scripts that run a node (`trap bench_cleanup
# EXIT`). Stops wrk ($wrk_pid), yiwang ($pid) and nginx ($work/nginx.pid), drops the
# PostgreSQL database $pg_db, and removes $work, or keeps it when KEEP is set.
bench_cleanup() {
  [ -n "${wrk_pid:-}" ] && kill "$wrk_pid" 2>/dev/null || true
  if [ -n "${pid:-}" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  [ -n "${pg_db:-}" ] && psql -X -q "$YW_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
  sleep 0.3
  if [ -n "${KEEP:-}" ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}

# serve_node DIR: `$bin serve` on the node in DIR at a free port; sets $pid and
# $base; exits, showing the node's log, when it does not answer within 10 s.
serve_node() {
  local port
  port=$(free_port)
  "$bin" serve --dir "$1" --listen "127.0.0.1:$port" 2>"$work/serve.log" &
  pid=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -fs "$base/v1/health" >/dev/null && return 0; sleep 0.1; done
  echo "bench: yiwang serve did not start" >&2
  cat "$work/serve.log" >&2
  exit 1
}

# demo_node: the demo node (`$bin demo`) in $work/node; sets $node. Exits, showing
# the end of its output, when it fails.
demo_node() {
  node=$work/node
  "$bin" demo --dir "$node" --listen "127.0.0.1:$(free_port)" >"$work/demo.out" 2>&1 || {
    tail -20 "$work/demo.out" >&2
    exit 1
  }
}

# wrk's "1.23ms" / "850.00us" / "1.02s" -> milliseconds
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
  printf "%.2f", u == "us" ? n / 1000 : u == "s" ? n * 1000 : u == "m" ? n * 60000 : n }'; }

# nginx_start LOCATION FILE PROBE: the baseline. nginx serves $work/www/FILE
# (which must exist) for requests to LOCATION (an nginx location, e.g.
# "= /v1/health" or "/v1/exchange/resources/"), keep-alive, no access log
# cost beyond the default; waits until PROBE (a path) answers; sets $nport and
# $nbase. The caller's cleanup kills "$work/nginx.pid".
nginx_start() {
  mkdir -p "$work/www" "$work/nginx-tmp"
  # nginx's workers drop root for nobody/www-data: they must be able to read the file.
  chmod 755 "$work" "$work/www"
  chmod 644 "$work/www/$2"
  nport=$(free_port)
  cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work/nginx-tmp;
  proxy_temp_path $work/nginx-tmp;
  fastcgi_temp_path $work/nginx-tmp;
  uwsgi_temp_path $work/nginx-tmp;
  scgi_temp_path $work/nginx-tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nport;
    root $work/www;
    location $1 {
      default_type application/json;
      add_header Cache-Control no-store;
      try_files /$2 =404;
    }
  }
}
CONF
  nginx -c "$work/nginx.conf" -p "$work"
  nbase="http://127.0.0.1:$nport"
  for _ in $(seq 100); do curl -fs "$nbase$3" >/dev/null && break; sleep 0.1; done
}

# Of a wrk run saved as $work/wrk.LABEL (with --latency): requests/s, and a
# latency percentile ("99%").
rps() { awk '/Requests\/sec/ { print $2 }' "$work/wrk.$1"; }
pct() { awk -v p="$2" '$1 == p { print $2 }' "$work/wrk.$1"; }

# grant_without_quota BASE LOGIN PASSWORD KEY_ID FIELDS_JSON_FILE: a data steward
# (LOGIN) signs in and applies for the demo's household resource (101001/000002,
# 无条件共享: granted at once) for the system KEY_ID, the fields in the file, no
# quota, two years; prints the grant's id, or exits when it was not granted so.
grant_without_quota() {
  python3 - "$@" <<'PY'
import datetime, json, sys, urllib.error, urllib.request
base, login, password, key_id, fields = sys.argv[1:]
def call(path, body, headers={}):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req) as r:
            return r.headers, json.load(r)
    except urllib.error.HTTPError as e:
        sys.exit("bench: POST %s answered %d: %s" % (path, e.code, e.read().decode()[:300]))
h, me = call("/v1/auth/login", {"login": login, "password": password})
today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
_, app = call("/v1/exchange/applications",
              {"resource": "101001/000002", "key_id": key_id, "fields": json.load(open(fields)),
               "purpose": "性能测试", "scenario": "基准测试：单条记录交付", "valid_from": str(today),
               "valid_to": str(today + datetime.timedelta(days=730))},
              {"Cookie": h["Set-Cookie"].split(";")[0], "X-CSRF-Token": me["csrf_token"]})
c = app.get("conditions", {})
if app.get("status") != "approved" or c.get("total_uses") or c.get("daily_uses"):
    sys.exit("bench: the application was not granted without quota: %s" % json.dumps(app)[:300])
print(app["grant"])
PY
}
