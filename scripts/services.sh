#!/usr/bin/env bash
# Helpers to install (apt) and start throwaway local PostgreSQL clusters and Redis servers on free loopback ports.
# Sourced by tests/run.sh, demo.sh and bench/service/run.sh. Every function reports on stderr, so that stdout stays
# free for values (ports, paths, connection strings).
#
#   svc_apt_install PKG...                      install what is missing (root, or sudo for a normal user)
#   svc_free_port                               print a free loopback TCP port
#   svc_wait_port PORT [SECONDS]                wait until 127.0.0.1:PORT accepts connections
#   svc_start_postgres DIR PORT PASSWORD [NAME=VALUE...]   create (once) and start a cluster; settings are
#                                               passed as `postgres -c NAME=VALUE` (e.g. fsync=off)
#   svc_stop_postgres DIR
#   svc_pg_conn PORT PASSWORD [DATABASE]        print an Npgsql connection string for the superuser
#   svc_psql PORT PASSWORD DATABASE [PSQL ARGS...]         run psql against the cluster over TCP
#   svc_start_redis DIR PORT / svc_stop_redis DIR
#
# PostgreSQL refuses to run as root: when the caller is root the cluster belongs to the `postgres` user (created by
# Debian's package), so DIR must be reachable by that user (a directory under /tmp is; one under /root is not).
# A normal user runs the cluster as itself and needs sudo only for apt-get.
set -euo pipefail

svc_log() { printf '\033[1;34m[services]\033[0m %s\n' "$*" >&2; }
svc_die() { printf '\033[1;31m[services] error:\033[0m %s\n' "$*" >&2; return 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
svc_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt-get install the given packages when any of them is missing.
svc_apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    svc_die "need to install ${missing[*]} but am not root and sudo is missing"
  fi
  svc_log "installing ${missing[*]} with apt-get (once)"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  if ! svc_as_root "${apt[@]}" update >/tmp/svc-apt.$$.log 2>&1; then
    svc_log "apt-get update failed ($(grep -E '^(E|W):' /tmp/svc-apt.$$.log | head -n 1)); trying the install anyway"
  fi
  if ! svc_as_root "${apt[@]}" install --no-install-recommends "${missing[@]}" </dev/null >/tmp/svc-apt.$$.log 2>&1; then
    tail -n 30 /tmp/svc-apt.$$.log >&2
    rm -f /tmp/svc-apt.$$.log
    svc_die "apt-get install ${missing[*]} failed"
  fi
  rm -f /tmp/svc-apt.$$.log
}

# Whether something listens on 127.0.0.1:PORT.
svc_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a free port, below the kernel's ephemeral range (32768+) so that no outgoing connection takes it meanwhile.
svc_free_port() {
  local port i
  for i in $(seq 1 500); do
    port=$(( (RANDOM % 12000) + 20000 ))
    if ! svc_port_open "$port"; then echo "$port"; return 0; fi
  done
  svc_die "no free port found"
}

# svc_wait_port PORT [SECONDS]
svc_wait_port() {
  local port=$1 seconds=${2:-60} i
  for ((i = 0; i < seconds * 10; i++)); do
    svc_port_open "$port" && return 0
    sleep 0.1
  done
  return 1
}

svc_pg_bin() {
  local bin
  bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    svc_apt_install postgresql >&2
    bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d | sort -V | tail -n 1)
  fi
  [ -x "$bin/initdb" ] || svc_die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  echo "$bin"
}

# Runs a PostgreSQL server program as the user that owns clusters: postgres when we are root, ourselves otherwise.
svc_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# svc_start_postgres DIR PORT PASSWORD [NAME=VALUE...]
# Creates a cluster in DIR on first use (superuser postgres, scram-sha-256 password authentication, UTF8, C.UTF-8)
# and starts it on 127.0.0.1:PORT with TCP only (no Unix socket: long paths and permissions do not matter).
svc_start_postgres() {
  local dir=$1 port=$2 password=$3; shift 3
  local bin; bin=$(svc_pg_bin)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    chmod 700 "$dir"
    runuser -u postgres -- test -w "$dir" ||
      svc_die "the postgres user cannot write $dir (a parent directory is closed to it); use a directory under /tmp"
  fi
  if [ -f "$dir/postmaster.pid" ] && svc_pg_as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    svc_log "PostgreSQL already running in $dir"
    return 0
  fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    local pwfile; pwfile=$(mktemp)
    printf '%s\n' "$password" >"$pwfile"
    [ "$(id -u)" -eq 0 ] && chown postgres "$pwfile"
    if ! svc_pg_as_owner "$bin/initdb" -D "$dir" -U postgres -A scram-sha-256 --pwfile="$pwfile" -E UTF8 \
      --locale=C.UTF-8 >"$dir.initdb.log" 2>&1; then
      rm -f "$pwfile"
      cat "$dir.initdb.log" >&2
      svc_die "initdb failed for $dir"
    fi
    rm -f "$pwfile" "$dir.initdb.log"
  fi
  local opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories= -c max_connections=300"
  local o
  for o in "$@"; do opts="$opts -c $o"; done
  if ! svc_pg_as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -o "$opts" -w -t 120 start >/dev/null; then
    tail -n 30 "$dir/server.log" >&2 || true
    svc_die "PostgreSQL did not start in $dir on port $port"
  fi
  svc_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir${*:+; $*})"
}

svc_stop_postgres() {
  local dir=$1
  [ -f "$dir/postmaster.pid" ] || return 0
  local bin; bin=$(svc_pg_bin)
  svc_pg_as_owner "$bin/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null 2>&1 ||
    svc_pg_as_owner "$bin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null 2>&1 || true
}

# svc_pg_conn PORT PASSWORD [DATABASE]
svc_pg_conn() {
  echo "Host=127.0.0.1;Port=$1;Username=postgres;Password=$2;Database=${3:-postgres}"
}

# svc_psql PORT PASSWORD DATABASE [PSQL ARGS...]: quiet, stops at the first error.
svc_psql() {
  local port=$1 password=$2 db=$3; shift 3
  local bin; bin=$(svc_pg_bin)
  PGPASSWORD=$password "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@"
}

# svc_start_redis DIR PORT
svc_start_redis() {
  local dir=$1 port=$2
  command -v redis-server >/dev/null || svc_apt_install redis-server
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  local i
  for ((i = 0; i < 300; i++)); do
    redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
  redis-cli -p "$port" ping 2>/dev/null | grep -q PONG || {
    tail -n 20 "$dir/redis.log" >&2 || true
    svc_die "Redis did not start on port $port"
  }
  svc_log "Redis $(redis-server --version | awk '{print $3}' | tr -d 'v=') on 127.0.0.1:$port ($dir)"
}

svc_stop_redis() {
  local dir=$1 pid i
  [ -f "$dir/redis.pid" ] || return 0
  pid=$(cat "$dir/redis.pid" 2>/dev/null) || return 0
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
