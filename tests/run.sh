#!/usr/bin/env bash
# The project's test command: starts what the tests need and runs every test of Migration.Grpc.sln.
#
#   tests/run.sh [extra dotnet test arguments]      e.g. tests/run.sh --filter "FullyQualifiedName~Postgres"
#
# On a machine with only the .NET SDK it installs (apt-get) PostgreSQL and Redis when missing, starts a throwaway
# PostgreSQL cluster (scram password auth, fsync off) and a Redis server on free loopback ports in a temporary
# directory, exports MIGRATION_TEST_POSTGRES / MIGRATION_TEST_REDIS, runs `dotnet test`, stops the servers on exit
# (also on failure or Ctrl-C) and prints a closing line "N passed, N failed, N skipped". Then the client tests
# (tests/clients/run.sh: Python, TypeScript, web dashboard in headless Chromium) run against a real server; their
# counts join the closing line. Exits with dotnet test's code, else the client tests' code.
#
# Environment:
#   MIGRATION_TEST_POSTGRES / MIGRATION_TEST_REDIS   when set, those servers are used and nothing is started
#   TESTS_USE_DOCKER=1|0     1: let Testcontainers start the servers when a Docker engine answers (default);
#                            0: always start local servers
#   TESTS_VERBOSITY          console logger verbosity (default: normal, one line per test)
#   TESTS_TARGET             the solution or project to test (default: Migration.Grpc.sln)
#   TESTS_HANG_TIMEOUT       a test host that runs longer than this is dumped and killed (default: 15m)
#   TESTS_CLIENTS=1|0        run the client tests (default: 1 unless dotnet test arguments were given)
# Test results (trx) are kept in TestResults/run-* (TestResults/latest: the newest); the PostgreSQL log's last lines
# are printed when a test run fails.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/services.sh
source "$root/scripts/services.sh"

log() { printf '\033[1;32m[tests]\033[0m %s\n' "$*" >&2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
command -v dotnet >/dev/null || { log "dotnet is not on PATH: install the .NET SDK first"; exit 1; }

# Sends a signal to a process and all its descendants (children first listed, then the parent).
# shellcheck disable=SC2317 # invoked from the trap
kill_tree() {
  local sig=$1 pid=$2 child
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kill_tree "$sig" "$child"; done
  kill "-$sig" "$pid" 2>/dev/null || true
}

work=""
test_pid=""
pg_dir=""
redis_dir=""
# shellcheck disable=SC2317 # invoked by the trap
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [ -n "$test_pid" ] && kill -0 "$test_pid" 2>/dev/null; then
    log "interrupted: stopping dotnet test"
    kill_tree TERM "$test_pid"
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$test_pid" 2>/dev/null || break; sleep 0.5; done
    kill_tree KILL "$test_pid"
  fi
  [ -n "$pg_dir" ] && svc_stop_postgres "$pg_dir"
  [ -n "$redis_dir" ] && svc_stop_redis "$redis_dir"
  [ -n "$work" ] && rm -rf "$work"
  # CI ends every process of the run: do not leave MSBuild / compiler servers behind.
  if [ -n "${CI:-}" ]; then dotnet build-server shutdown >/dev/null 2>&1 || true; fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

use_docker=0
if [ "${TESTS_USE_DOCKER:-1}" = "1" ] && command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1; then
  use_docker=1
fi

if [ -n "${MIGRATION_TEST_POSTGRES:-}" ] && [ -n "${MIGRATION_TEST_REDIS:-}" ]; then
  log "using the servers given by MIGRATION_TEST_POSTGRES / MIGRATION_TEST_REDIS"
elif [ "$use_docker" = "1" ] && [ -z "${MIGRATION_TEST_POSTGRES:-}${MIGRATION_TEST_REDIS:-}" ]; then
  log "a Docker engine answers: Testcontainers starts PostgreSQL and Redis"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/migration-tests.XXXXXX")
  chmod 755 "$work" # PostgreSQL runs as the postgres user when we are root: it must reach its directory
  if [ -z "${MIGRATION_TEST_POSTGRES:-}" ]; then
    pg_password="MigTest-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')-pw"
    pg_port=$(svc_free_port)
    pg_dir="$work/pg"
    svc_start_postgres "$pg_dir" "$pg_port" "$pg_password" \
      fsync=off synchronous_commit=off full_page_writes=off shared_buffers=256MB max_wal_size=2GB
    MIGRATION_TEST_POSTGRES=$(svc_pg_conn "$pg_port" "$pg_password")
    export MIGRATION_TEST_POSTGRES
  fi
  if [ -z "${MIGRATION_TEST_REDIS:-}" ]; then
    redis_port=$(svc_free_port)
    redis_dir="$work/redis"
    svc_start_redis "$redis_dir" "$redis_port"
    export MIGRATION_TEST_REDIS="127.0.0.1:$redis_port"
  fi
fi

# A directory of its own per run (several runs may share a work tree); TestResults/latest points at the newest.
results="$root/TestResults/run-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$results"
ln -sfn "$(basename "$results")" "$root/TestResults/latest"
# Keep the five newest runs.
find "$root/TestResults" -mindepth 1 -maxdepth 1 -type d -name 'run-*' -printf '%T@ %p\n' | sort -rn | tail -n +6 |
  cut -d' ' -f2- | while IFS= read -r old; do rm -rf "$old"; done

args=(test "${TESTS_TARGET:-$root/Migration.Grpc.sln}"
  --logger "trx"
  --logger "console;verbosity=${TESTS_VERBOSITY:-normal}"
  --results-directory "$results"
  --blame-hang-timeout "${TESTS_HANG_TIMEOUT:-15m}" --blame-hang-dump-type none
  "$@")
log "dotnet ${args[*]}"
started=$SECONDS
# In the background so that an interrupt reaches the trap at once (a test host may ignore SIGINT).
dotnet "${args[@]}" &
test_pid=$!
set +e
wait "$test_pid"
code=$?
set -e
test_pid=""

# Closing line from the trx files: one per test assembly that ran.
passed=0 failed=0 skipped=0
shopt -s nullglob globstar
trx_files=("$results"/**/*.trx)
# attr COUNTERS NAME: the value of attribute NAME of a trx <Counters .../> element (0 when absent).
attr() { printf '%s' "$1" | grep -o " $2=\"[0-9]*\"" | grep -o '[0-9]\+' || echo 0; }
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)
  [ -n "$counters" ] || continue
  passed=$((passed + $(attr "$counters" passed)))
  failed=$((failed + $(attr "$counters" failed) + $(attr "$counters" error) + $(attr "$counters" timeout) + $(attr "$counters" aborted)))
  # VSTest counts a skipped test in total but not in executed (its notExecuted counter stays 0).
  skipped=$((skipped + $(attr "$counters" total) - $(attr "$counters" executed)))
done
log "dotnet test exited with $code after $((SECONDS - started)) s; ${#trx_files[@]} trx file(s) in ${results#"$root"/}"
if [ "$code" -ne 0 ] && [ -n "$pg_dir" ] && [ -f "$pg_dir/server.log" ]; then
  log "PostgreSQL log, last lines:"
  tail -n 20 "$pg_dir/server.log" >&2 || true
fi
if [ "$code" -ne 0 ] && [ "$failed" -eq 0 ]; then
  log "the run failed without a failed test (build error, crashed or hung test host): see the output above"
fi

# Client tests (Python, TypeScript, the web dashboard in headless Chromium) against a real server started from this
# tree: tests/clients/run.sh, with the PostgreSQL and Redis started above. Skipped when dotnet test arguments (a filter)
# were given, unless TESTS_CLIENTS=1; TESTS_CLIENTS=0 always skips them.
run_clients=${TESTS_CLIENTS:-}
[ -n "$run_clients" ] || { [ $# -eq 0 ] && run_clients=1 || run_clients=0; }
if [ "$run_clients" = "1" ]; then
  log "client tests: tests/clients/run.sh"
  clients_started=$SECONDS
  set +e
  CLIENT_TESTS_SUMMARY="$results/clients-summary.txt" "$root/tests/clients/run.sh" &
  test_pid=$!
  wait "$test_pid"
  clients_code=$?
  set -e
  test_pid=""
  if [ -f "$results/clients-summary.txt" ]; then
    read -r client_passed client_failed client_skipped <"$results/clients-summary.txt"
    passed=$((passed + client_passed)) failed=$((failed + client_failed)) skipped=$((skipped + client_skipped))
  elif [ "$clients_code" -ne 0 ]; then
    failed=$((failed + 1))
  fi
  log "client tests exited with $clients_code after $((SECONDS - clients_started)) s"
  [ "$code" -ne 0 ] || code=$clients_code
fi
# The failed tests again, with their first message lines, next to the closing line where a short log tail shows them.
if [ "$failed" -gt 0 ] && [ ${#trx_files[@]} -gt 0 ]; then
  log "failed tests:"
  if command -v python3 >/dev/null; then
    python3 - "${trx_files[@]}" <<'PY' || true
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for path in sys.argv[1:]:
    for r in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        if r.get("outcome") in ("Passed", "NotExecuted"):
            continue
        message = r.find("t:Output/t:ErrorInfo/t:Message", ns)
        lines = (message.text or "").strip().splitlines() if message is not None else []
        print(f"  {r.get('outcome')}: {r.get('testName')}")
        for line in lines[:6]:
            print(f"      {line[:300]}")
PY
  else
    grep -ho '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "${trx_files[@]}" | grep -o 'testName="[^"]*"' | sed 's/^/  /' || true
  fi
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$code"
