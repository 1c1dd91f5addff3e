#!/usr/bin/env bash
# Helpers to build, start, await and stop the Migration.Grpc server and to run the CLI from their Release builds.
# Sourced by demo.sh and bench/service/run.sh (after scripts/services.sh, whose svc_* functions they use).
#
#   srv_build LOGFILE                      Release build of the server and the CLI, quiet; the log on failure
#   srv_start PORT DATADIR LOGFILE [ARGS...]  start the server in the background (embedded store in DATADIR/garnet,
#                                          free Orleans ports, loopback development mode without credentials
#                                          unless SRV_DEVELOPMENT_MODE=false); sets SRV_PID and SRV_URL
#   srv_wait [SECONDS]                     wait until it listens and answers the CLI's `list`
#   srv_stop / srv_stop_pid PID            SIGTERM, then SIGKILL after 15 s
#   srv_cli ARGS...                        run the CLI (Release build)
#   srv_rss_kb PID                         the resident set size of a process in kB (0 when it is gone)
set -euo pipefail

SRV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRV_DLL="$SRV_ROOT/src/Migration.Server/bin/Release/net10.0/Migration.Server.dll"
SRV_CLI_DLL="$SRV_ROOT/clients/Migration.Cli/bin/Release/net10.0/migration.dll"
SRV_PID=""
SRV_URL=""
SRV_LOG=""

srv_log() { printf '\033[1;35m[server]\033[0m %s\n' "$*" >&2; }

srv_build() {
  local log=$1 started=$SECONDS
  srv_log "building the server and the CLI (Release)"
  if ! { dotnet build "$SRV_ROOT/src/Migration.Server/Migration.Server.csproj" -c Release -nologo -v q &&
    dotnet build "$SRV_ROOT/clients/Migration.Cli/Migration.Cli.csproj" -c Release -nologo -v q; } >"$log" 2>&1; then
    grep -E ': error ' "$log" | sort -u | head -n 30 >&2 || tail -n 30 "$log" >&2
    srv_log "the build failed (full log: $log)"
    return 1
  fi
  srv_log "built in $((SECONDS - started)) s"
}

# srv_start PORT DATADIR LOGFILE [extra server arguments...]
srv_start() {
  local port=$1 data=$2 log=$3; shift 3
  mkdir -p "$data"
  SRV_URL="http://127.0.0.1:$port"
  SRV_LOG=$log
  # setsid: an interrupt of the calling script does not reach the server; the caller stops it with srv_stop.
  Redis__ConnectionString="" \
    Redis__Embedded__DataDirectory="$data/garnet" \
    Orleans__SiloPort="$(svc_free_port)" \
    Orleans__GatewayPort="$(svc_free_port)" \
    Kestrel__EndpointDefaults__Protocols=Http2 \
    Security__DevelopmentMode="${SRV_DEVELOPMENT_MODE:-true}" \
    setsid dotnet "$SRV_DLL" --contentRoot "$(dirname "$SRV_DLL")" --urls "$SRV_URL" "$@" </dev/null >"$log" 2>&1 &
  SRV_PID=$!
  srv_log "started on $SRV_URL (pid $SRV_PID; data $data; log $log)"
}

# srv_wait [SECONDS]: until the port accepts connections and `migration list` succeeds.
srv_wait() {
  local seconds=${1:-120} started=$SECONDS port=${SRV_URL##*:}
  until svc_port_open "$port" && srv_cli list --server "$SRV_URL" >/dev/null 2>&1; do
    if ! kill -0 "$SRV_PID" 2>/dev/null; then
      tail -n 40 "$SRV_LOG" >&2
      srv_log "the server exited while starting (log above)"
      return 1
    fi
    if [ $((SECONDS - started)) -ge "$seconds" ]; then
      tail -n 40 "$SRV_LOG" >&2
      srv_log "the server did not answer within $seconds s (log above)"
      return 1
    fi
    sleep 0.3
  done
  srv_log "ready in $((SECONDS - started)) s"
}

# srv_stop_pid PID: SIGTERM (the host shuts down gracefully), SIGKILL if it still runs 15 s later.
srv_stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  srv_log "pid $pid did not stop within 15 s of SIGTERM: killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

# srv_stop: stops the server srv_start started.
srv_stop() {
  srv_stop_pid "$SRV_PID"
  SRV_PID=""
}

srv_cli() { dotnet "$SRV_CLI_DLL" "$@"; }

srv_rss_kb() {
  awk '/^VmRSS:/ { print $2; found = 1 } END { if (!found) print 0 }' "/proc/$1/status" 2>/dev/null || echo 0
}
