#!/usr/bin/env bash
# Helpers to install (apt) and start throwaway local PostgreSQL clusters and Redis servers on free loopback ports.
# Sourced by tests/run.sh, demo.sh and bench/*.sh. Every function prints what it does on stderr.
set -euo pipefail

svc_log() { printf '\033[1;34m[services]\033[0m %s\n' "$*" >&2; }

# apt-get install the given packages when any of them is missing (needs root, as on the project's machines).
svc_apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  svc_log "installing ${missing[*]} with apt-get"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

svc_free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( (RANDOM % 20000) + 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}

svc_pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ]; then svc_apt_install postgresql; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); fi
  echo "$bin"
}

# svc_start_postgres DIR PORT PASSWORD [extra postgres -c settings...]
# Creates a cluster in DIR (owned by the postgres user; PostgreSQL refuses to run as root) and starts it on PORT.
svc_start_postgres() {
  local dir=$1 port=$2 password=$3; shift 3
  local bin; bin=$(svc_pg_bin)
  local run=(); [ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    local pwfile; pwfile=$(mktemp); printf '%s\n' "$password" > "$pwfile"; chmod 644 "$pwfile"
    "${run[@]}" "$bin/initdb" -D "$dir" -U postgres -A scram-sha-256 --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
  fi
  local opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300"
  for o in "$@"; do opts="$opts -c $o"; done
  "${run[@]}" "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null
  svc_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
}

svc_stop_postgres() {
  local dir=$1
  [ -f "$dir/postmaster.pid" ] || return 0
  local bin; bin=$(svc_pg_bin)
  local run=(); [ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
  "${run[@]}" "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

# svc_start_redis DIR PORT
svc_start_redis() {
  local dir=$1 port=$2
  command -v redis-server >/dev/null || svc_apt_install redis-server
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  svc_log "Redis $(redis-server --version | awk '{print $3}' | tr -d 'v=') on 127.0.0.1:$port"
}

svc_stop_redis() {
  local dir=$1
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
}
