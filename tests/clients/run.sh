#!/usr/bin/env bash
# Client tests: builds and starts a real Migration.Grpc server, then runs the Python, TypeScript (Node) and browser
# (dashboard in headless Chromium) tests against it. Called by tests/run.sh after `dotnet test`; runs on its own too:
#
#   tests/clients/run.sh [python] [node] [browser]      (default: all three)
#
# Environment:
#   MIGRATION_TEST_POSTGRES   Npgsql admin connection string of the PostgreSQL to use; unset: a throwaway cluster is
#                             started (scripts/services.sh)
#   MIGRATION_TEST_REDIS      host:port of a Redis for the server (unique key prefix and Orleans service id per run);
#                             unset: the server's embedded store in a temporary directory
#   MIGRATION_TEST_SERVER     URL of a server to test instead of building and starting one (its dashboard endpoint
#                             in MIGRATION_TEST_DASHBOARD for the browser tests)
#   CLIENT_TESTS_CONFIGURATION  Debug (default: what `dotnet test` just built) or Release
#   CLIENT_TESTS_SUMMARY      file to write "PASSED FAILED SKIPPED" to (tests/run.sh adds them to its closing line)
# Installs what is missing: apt: python3-grpcio python3-protobuf python3-pytest protobuf-compiler
# protobuf-compiler-grpc libprotobuf-dev openssl (Python), chromium fonts-liberation (browser); npm ci in clients/typescript and
# clients/web (Node 18+ and npm must be on PATH). Screenshots of the browser test go to TestResults/clients/.
# Ends with "N passed, N failed, N skipped" over all suites; exits non-zero when any suite failed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
# shellcheck source=scripts/services.sh
source "$root/scripts/services.sh"

log() { printf '\033[1;33m[clients]\033[0m %s\n' "$*" >&2; }

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(python node browser)
want() { local s; for s in "${suites[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/migration-clients.XXXXXX")
chmod 755 "$work"
server_pid=""
pg_dir=""
# shellcheck disable=SC2317 # invoked by the trap
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  [ -n "$pg_dir" ] && svc_stop_postgres "$pg_dir"
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
export CLIENT_TESTS_RESULTS="$root/TestResults/clients"
results="$root/TestResults/clients"
mkdir -p "$results"

# --- what the suites need ---------------------------------------------------------------------------------------
apt_packages=()
if want python; then
  apt_packages+=(python3-grpcio python3-protobuf python3-pytest protobuf-compiler protobuf-compiler-grpc libprotobuf-dev
    openssl)
fi
want browser && apt_packages+=(chromium fonts-liberation)
[ ${#apt_packages[@]} -eq 0 ] || svc_apt_install "${apt_packages[@]}"
if want node || want browser; then
  command -v node >/dev/null && command -v npm >/dev/null || { log "node and npm are needed on PATH"; exit 1; }
fi

# --- PostgreSQL -------------------------------------------------------------------------------------------------
if [ -z "${MIGRATION_TEST_POSTGRES:-}" ]; then
  pg_password="Clients-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')-pw"
  pg_port=$(svc_free_port)
  pg_dir="$work/pg"
  svc_start_postgres "$pg_dir" "$pg_port" "$pg_password" fsync=off synchronous_commit=off full_page_writes=off
  MIGRATION_TEST_POSTGRES=$(svc_pg_conn "$pg_port" "$pg_password")
fi
export MIGRATION_TEST_POSTGRES
# psql for the tests' fixtures (Debian's postgresql-client wrapper may be missing: use the server's own).
if ! command -v psql >/dev/null; then
  PATH="$(svc_pg_bin):$PATH"
  export PATH
fi

# --- the server -------------------------------------------------------------------------------------------------
if [ -z "${MIGRATION_TEST_SERVER:-}" ]; then
  configuration=${CLIENT_TESTS_CONFIGURATION:-Debug}
  log "building the server ($configuration)"
  if ! dotnet build "$root/src/Migration.Server/Migration.Server.csproj" -c "$configuration" -nologo -v q \
    >"$work/build.log" 2>&1; then
    grep -E ': error ' "$work/build.log" | sort -u | head -n 30 >&2 || tail -n 30 "$work/build.log" >&2
    log "the server build failed"
    exit 1
  fi
  if want browser; then
    log "building the dashboard (clients/web)"
    "$root/clients/web/build.sh" >&2
  fi
  dashboard_port=$(svc_free_port)
  export MIGRATION_TEST_DASHBOARD="http://127.0.0.1:$dashboard_port"
  dll="$root/src/Migration.Server/bin/$configuration/net10.0/Migration.Server.dll"
  port=$(svc_free_port)
  run_id="clients-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
  store=(Redis__ConnectionString= Redis__Embedded__DataDirectory="$work/garnet")
  if [ -n "${MIGRATION_TEST_REDIS:-}" ]; then
    store=(Redis__ConnectionString="$MIGRATION_TEST_REDIS" Redis__KeyPrefix="$run_id:" Orleans__ServiceId="$run_id"
      Orleans__ClusterId="$run_id")
  fi
  export MIGRATION_TEST_SERVER="http://127.0.0.1:$port"
  # Credentials for the auth tests: a viewer API key and HS256 JWTs the tests mint; without credentials the loopback
  # development mode lets the other tests in.
  MIGRATION_TEST_VIEWER_KEY="mig_$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  MIGRATION_TEST_JWT_KEY=$(head -c 32 /dev/urandom | base64 -w0)
  export MIGRATION_TEST_VIEWER_KEY MIGRATION_TEST_JWT_KEY MIGRATION_TEST_JWT_ISSUER=migration-client-tests \
    MIGRATION_TEST_JWT_AUDIENCE=migration
  security=(Security__DevelopmentMode=true
    Security__ApiKeys__viewer__Hash="sha256:$(printf %s "$MIGRATION_TEST_VIEWER_KEY" | sha256sum | cut -d' ' -f1)"
    Security__ApiKeys__viewer__Roles=viewer
    Security__Jwt__SigningKey="$MIGRATION_TEST_JWT_KEY" Security__Jwt__Issuer="$MIGRATION_TEST_JWT_ISSUER"
    Security__Jwt__Audience="$MIGRATION_TEST_JWT_AUDIENCE")
  env "${store[@]}" "${security[@]}" \
    Orleans__SiloPort="$(svc_free_port)" Orleans__GatewayPort="$(svc_free_port)" \
    Dashboard__Url="$MIGRATION_TEST_DASHBOARD" Dashboard__Root="$root/clients/web/dist" \
    Logging__LogLevel__Default=Warning \
    setsid dotnet "$dll" --contentRoot "$(dirname "$dll")" --urls "$MIGRATION_TEST_SERVER" \
    </dev/null >"$results/server.log" 2>&1 &
  server_pid=$!
  log "server on $MIGRATION_TEST_SERVER (pid $server_pid, log TestResults/clients/server.log)"
  for _ in $(seq 1 1200); do
    svc_port_open "$port" && break
    kill -0 "$server_pid" 2>/dev/null || { tail -n 40 "$results/server.log" >&2; log "the server exited"; exit 1; }
    sleep 0.1
  done
  svc_port_open "$port" || { tail -n 40 "$results/server.log" >&2; log "the server did not listen within 120 s"; exit 1; }
fi

# --- the suites -------------------------------------------------------------------------------------------------
passed=0 failed=0 skipped=0 code=0
# count FILE WORD...: the first number before WORD in the last line of FILE that has it (0 when absent).
count() {
  local file=$1 word=$2 line
  line=$(grep -E "[0-9]+ $word" "$file" | tail -n 1 || true)
  printf '%s' "$line" | grep -oE "[0-9]+ $word" | grep -oE '^[0-9]+' || echo 0
}
node_count() { grep -E "^# $2 [0-9]+" "$1" | tail -n 1 | grep -oE '[0-9]+$' || echo 0; }

run_suite() {
  local name=$1 style=$2; shift 2
  local out="$results/$name.log" suite_started=$SECONDS rc=0
  log "$name: $*"
  "$@" 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}
  local p f s
  if [ "$style" = pytest ]; then
    p=$(count "$out" passed); f=$(($(count "$out" failed) + $(count "$out" error))); s=$(count "$out" skipped)
  else
    p=$(node_count "$out" pass); f=$(node_count "$out" fail); s=$(($(node_count "$out" skipped) + $(node_count "$out" todo)))
  fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; log "$name exited with $rc without a failed test (see above)"; fi
  [ "$rc" -eq 0 ] || code=1
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  log "$name: $p passed, $f failed, $s skipped in $((SECONDS - suite_started)) s"
}

if want python; then
  "$root/clients/python/generate.sh"
  run_suite python pytest /usr/bin/python3 -m pytest -q -p no:cacheprovider --junitxml="$results/python.xml" \
    "$root/clients/python/tests"
fi
if want node || want browser; then # the browser tests use the TypeScript client to set up
  (cd "$root/clients/typescript" && npm ci --no-audit --no-fund --loglevel=error >&2 && npm run --silent build >&2)
fi
if want node; then
  run_suite node node bash -c "cd '$root/clients/typescript' && node --test --test-reporter=tap --test-concurrency=1 dist/test/*.test.js"
fi
if want browser; then
  (cd "$root/tests/clients/browser" && npm ci --no-audit --no-fund --loglevel=error >&2)
  run_suite browser node bash -c "cd '$root/tests/clients/browser' && node --test --test-reporter=tap --test-concurrency=1 dashboard.test.js"
fi

log "client tests took $((SECONDS - started)) s"
[ -z "${CLIENT_TESTS_SUMMARY:-}" ] || echo "$passed $failed $skipped" >"$CLIENT_TESTS_SUMMARY"
echo "clients: $passed passed, $failed failed, $skipped skipped"
exit "$code"
