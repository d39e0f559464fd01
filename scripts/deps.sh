#!/usr/bin/env bash
# Installs what yiwang needs from Debian's archive. Safe to run twice: it installs
# only what is missing, and does nothing at all when everything is there.
#   scripts/deps.sh          to build and run a node
#   scripts/deps.sh --test   also the test suite's needs (PostgreSQL, clang, Chromium, Node.js)
#   scripts/deps.sh --bench  also the benchmark tools (wrk, nginx, curl, time, sqlite3)
set -euo pipefail

pkgs=(build-essential cmake pkg-config
      libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libssl-dev libargon2-dev)
for arg in "$@"; do
  case "$arg" in
    --test)  pkgs+=(libcmocka-dev postgresql clang clang-format python3 chromium fonts-noto-cjk git
              golang-go golang-golang-x-mod-dev openssl) ;;
    --bench) pkgs+=(wrk nginx-light curl time sqlite3) ;;
    *) echo "deps.sh: unknown option $arg (use --test or --bench)" >&2; exit 2 ;;
  esac
done
# Node.js runs the browser tests; the machine's own node is used when present.
if [[ " $* " == *" --test "* ]] && ! command -v npm >/dev/null; then
  pkgs+=(nodejs npm)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
