#!/usr/bin/env bash
# The whole suite on SQLite and on a throwaway PostgreSQL, side by side (one per core).
# Installs what a new machine lacks (Debian chromium, postgresql) when it can, else says what to do.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# A development machine: DEBUG is off by default and the built-in key is then refused (gridgov.E001).
# pytest-django turns DEBUG off inside the tests; the production-settings test sets its own environment.
export GRIDGOV_DEBUG=1

as_root() { [ "$(id -u)" = 0 ]; }
apt_install() {
  if as_root; then
    echo "test.sh: installing $* from Debian"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "test.sh: please install the Debian packages: $* (sudo apt-get install $*)" >&2
    exit 2
  fi
}

command -v chromium >/dev/null 2>&1 || apt_install chromium fonts-noto-cjk
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  apt_install postgresql
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

$BIN/python manage.py makemigrations --check --dry-run >/dev/null || {
  echo "test.sh: models changed without a migration (run: .venv/bin/python manage.py makemigrations)" >&2
  exit 1
}

work=$(mktemp -d /tmp/gridgov-test.XXXXXX)
chmod 755 "$work"
pg_port=$(( 55000 + RANDOM % 4000 ))
pg() { if as_root; then runuser -u postgres -- "$@"; else "$@"; fi; }
if as_root; then chown postgres "$work"; fi
pg "$PGBIN/initdb" -D "$work/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log"; exit 1; }
pg "$PGBIN/pg_ctl" -D "$work/data" -l "$work/pg.log" -w \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
cleanup() {
  pg "$PGBIN/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

export GRIDGOV_VAR_DIR="$work/var"
mkdir -p "$GRIDGOV_VAR_DIR" && chmod 777 "$GRIDGOV_VAR_DIR"
export GRIDGOV_SCREENSHOTS="${GRIDGOV_SCREENSHOTS:-$PWD/screenshots}"

# SQLite: a file database so threads and subprocesses see one WAL database, as in production.
GRIDGOV_SQLITE_PATH="$work/sqlite.sqlite3" GRIDGOV_SQLITE_TEST_PATH="$work/test-sqlite.sqlite3" \
  $BIN/python -m pytest "$@" >"$work/sqlite.out" 2>&1 &
sqlite_pid=$!
DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/gridgov" \
  $BIN/python -m pytest -m "not browser" "$@" >"$work/postgres.out" 2>&1 &
pg_pid=$!

sqlite_status=0; wait $sqlite_pid || sqlite_status=$?
pg_status=0; wait $pg_pid || pg_status=$?

echo "===== SQLite (WAL) ====="; cat "$work/sqlite.out"
echo "===== PostgreSQL ($("$PGBIN/postgres" --version)) ====="; cat "$work/postgres.out"

count() { grep -Eo "[0-9]+ $1" "$work/$2.out" | tail -n 1 | grep -Eo "^[0-9]+" || echo 0; }
passed=$(( $(count passed sqlite) + $(count passed postgres) ))
failed=$(( $(count failed sqlite) + $(count failed postgres) + $(count error sqlite) + $(count error postgres) ))
skipped=$(( $(count skipped sqlite) + $(count skipped postgres) ))
echo "sqlite exit $sqlite_status, postgres exit $pg_status"
echo "total: $passed passed, $failed failed, $skipped skipped"
[ "$sqlite_status" = 0 ] && [ "$pg_status" = 0 ] && [ "$failed" = 0 ] && [ "$passed" -gt 0 ]
