#!/usr/bin/env bash
# Checks the C sources: no banned functions (CONVENTIONS.md habit 8), strtol-family
# only inside the one checked parse helper, and clang-format clean.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
files=$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 2>/dev/null || find src tests -name '*.[ch]')

banned='\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|atof|sscanf|rand|alloca)[[:space:]]*\('
if hits=$(grep -nE "$banned" $files); then
  echo "lint: banned functions:" >&2
  echo "$hits" >&2
  status=1
fi
if hits=$(grep -nE '\bstrto(l|ll|ul|ull|d|imax|umax)[[:space:]]*\(' $files | grep -v '^src/util/str.c:'); then
  echo "lint: strtol-family outside yw_parse_int64 (src/util/str.c):" >&2
  echo "$hits" >&2
  status=1
fi
if command -v clang-format >/dev/null; then
  if ! clang-format --dry-run --Werror $files 2>/tmp/yw-clang-format.$$; then
    echo "lint: clang-format differs (run: clang-format -i <file>):" >&2
    grep -E '^[^ ].*(warning|error)' /tmp/yw-clang-format.$$ | cut -d: -f1 | sort -u >&2
    status=1
  fi
  rm -f /tmp/yw-clang-format.$$
else
  echo "lint: clang-format not installed; skipping the format check" >&2
fi
[ $status -eq 0 ] && echo "lint: ok"
exit $status
