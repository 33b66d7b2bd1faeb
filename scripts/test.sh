#!/usr/bin/env bash
# The whole suite: lint, types, tests on SQLite and PostgreSQL, browser journeys.
# Installs or starts what it needs (PostgreSQL, Chromium) or stops with a clear message.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/clientfocus}"

fail() { echo "test.sh: $*" >&2; exit 2; }

echo "== lint and types"
$BIN/ruff check src tests benchmarks
$BIN/ruff format --check src tests benchmarks
$BIN/mypy src

echo "== layers (import-linter contracts, docs/architecture.md)"
$BIN/lint-imports --no-logo

echo "== translations"
for lang in ru lt sl hi; do
  po=src/clientfocus/locale/$lang/LC_MESSAGES/django.po
  [ -f "$po" ] || fail "missing translation file $po"
  msgfmt --check-format -o src/clientfocus/locale/$lang/LC_MESSAGES/django.mo "$po" \
    || fail "translation file $po does not compile"
done

echo "== PostgreSQL"
if ! $BIN/python scripts/wait_for_postgres.py "$PG_URL" 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  $BIN/python scripts/wait_for_postgres.py "$PG_URL" \
    || fail "PostgreSQL is not reachable at $PG_URL (set TEST_DATABASE_URL)"
fi

echo "== Redis (the RQ task backend's tests)"
REDIS_CHECK='import os, redis; redis.Redis.from_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/") + "0").ping()'
if ! $BIN/python -c "$REDIS_CHECK" 2>/dev/null; then
  if ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >/dev/null || true
  fi
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 >/dev/null || true
    sleep 1
  fi
  $BIN/python -c "$REDIS_CHECK" \
    || fail "Redis is not reachable at ${TEST_REDIS_URL:-redis://127.0.0.1:6379/} (set TEST_REDIS_URL)"
fi

echo "== Chromium"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
      || fail "could not install Debian's chromium (apt-get install chromium)"
  else
    fail "/usr/bin/chromium is missing: install Debian's chromium package"
  fi
fi

echo "== Dovecot (a real IMAP server for the mail tests)"
if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd) >/dev/null \
      || fail "could not install Debian's dovecot-imapd (apt-get install dovecot-imapd)"
    # The package starts a system instance; the tests run their own on a loopback port.
    (systemctl stop dovecot || service dovecot stop || pkill -x dovecot) >/dev/null 2>&1 || true
  else
    fail "dovecot is missing: install Debian's dovecot-imapd package"
  fi
fi

echo "== tests on SQLite (with browser journeys)"
env -u DATABASE_URL $BIN/pytest -n 2 -q

echo "== tests on PostgreSQL"
DATABASE_URL="$PG_URL" $BIN/pytest -n 2 -q -m "not e2e"

echo "== benchmarks, --quick (they must still run; their figures mean nothing here)"
PG_SERVER="${PG_URL%/*}"
for bench in "service_desk.py" "orders_and_value.py" "mail.py" "notify_throughput.py" \
             "staffing.py" "value_fit.py" "voice.py evaluate" "voice.py accuracy" "voice.py throughput" "voice.py curve" \
             "voice.py page" "ideas.py" "catalogue.py" "knowledge.py" "scorecard.py" "probes.py" "export.py"; do
  set -- $bench
  case "$1" in
    staffing.py|value_fit.py) db=() ;;
    notify_throughput.py) db=(--database-url "$PG_SERVER/clientfocus_notify_bench") ;;
    orders_and_value.py) db=(--database-url "$PG_SERVER/clientfocus_orders_bench") ;;
    voice.py) db=(--database-url "$PG_SERVER/clientfocus_voice_bench") ;;
    ideas.py) db=(--database-url "$PG_SERVER/clientfocus_ideas_bench") ;;
    catalogue.py) db=(--database-url "$PG_SERVER/clientfocus_catalogue_bench") ;;
    *) db=(--database-url "$PG_SERVER/clientfocus_bench") ;;
  esac
  if [ "$1" = voice.py ] && [ "$2" != page ]; then db=(); fi
  log=$(mktemp)
  if ! $BIN/python benchmarks/$bench --quick "${db[@]}" >"$log" 2>&1; then
    cat "$log" >&2
    fail "benchmarks/$bench --quick failed (output above)"
  fi
  echo "benchmarks/$bench --quick: ok"
  rm -f "$log"
done
