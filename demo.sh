#!/usr/bin/env bash
# The demo: migrates a small retail database (about 350,000 rows: FK cycle, self-reference, a table without a primary
# key, enums, jsonb, arrays, money) from demo_source into an empty demo_target through the service, with live progress
# and the validation report.
#
#   ./demo.sh                 run the demo; exits with the CLI's exit code (0 = completed and validated)
#   ./demo.sh --keep-server   leave the server (and the demo PostgreSQL) running afterwards, to try other CLI verbs
#   ./demo.sh --stop          stop what --keep-server left running
#
# Needs only the .NET SDK on Debian: PostgreSQL is installed with apt-get when missing and a throwaway cluster is
# started under .data/demo-pg on a free port. Set DEMO_PG to an admin connection string
# (Host=...;Port=...;Username=...;Password=...) to use an existing server instead. The server runs with its embedded
# Redis-compatible store (.data/garnet); its log goes to .data/demo-server.log.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"
# shellcheck source=scripts/services.sh
source "$root/scripts/services.sh"
# shellcheck source=scripts/server.sh
source "$root/scripts/server.sh"

say() { printf '\033[1;36m[demo]\033[0m %s\n' "$*" >&2; }
fail() { printf '\033[1;31m[demo] error:\033[0m %s\n' "$*" >&2; exit 1; }

keep_server=0
stop_only=0
for arg in "$@"; do
  case "$arg" in
    --keep-server) keep_server=1 ;;
    --stop) stop_only=1 ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown argument $arg (try --help)" ;;
  esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
data="$root/.data"
mkdir -p "$data"
server_log="$data/demo-server.log"
server_pid_file="$data/demo-server.pid"
pg_state="$data/demo-pg.env" # port and password of the demo cluster, chosen on first use

stop_server() {
  [ -f "$server_pid_file" ] || return 0
  local pid
  pid=$(cat "$server_pid_file")
  if kill -0 "$pid" 2>/dev/null && grep -q Migration.Server "/proc/$pid/cmdline" 2>/dev/null; then
    say "stopping the server (pid $pid)"
    srv_stop_pid "$pid"
  fi
  rm -f "$server_pid_file"
}

# Where the demo cluster lives: .data/demo-pg, unless the postgres user (we are root) cannot reach the work tree.
demo_pg_dir() {
  local dir="$data/demo-pg"
  if [ "$(id -u)" -eq 0 ] && [ ! -L "$dir" ] && ! runuser -u postgres -- test -x "$data" 2>/dev/null; then
    local elsewhere
    elsewhere="${TMPDIR:-/tmp}/migration-demo-pg-$(printf '%s' "$root" | md5sum | cut -c1-8)"
    mkdir -p "$elsewhere"
    ln -sfn "$elsewhere" "$dir"
  fi
  echo "$dir"
}

if [ "$stop_only" = 1 ]; then
  stop_server
  if [ -f "$pg_state" ]; then svc_stop_postgres "$(demo_pg_dir)/cluster"; say "demo PostgreSQL stopped"; fi
  exit 0
fi

command -v dotnet >/dev/null || fail "dotnet is not on PATH: install the .NET SDK first"
started_at=$SECONDS
started_pg=""

# shellcheck disable=SC2317 # invoked by the trap
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [ "$keep_server" = 0 ]; then
    stop_server
    [ -n "$started_pg" ] && svc_stop_postgres "$started_pg"
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- PostgreSQL -------------------------------------------------------------------------------------------------
# Reads Host/Port/Username/Password out of an Npgsql connection string into pg_host, pg_port, pg_user, pg_password.
parse_conn() {
  local part key value
  pg_host=127.0.0.1 pg_port=5432 pg_user=postgres pg_password=""
  IFS=';' read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    [ -n "$part" ] || continue
    key=$(printf '%s' "${part%%=*}" | tr '[:upper:]' '[:lower:]' | tr -d ' ')
    value=${part#*=}
    case "$key" in
      host | server) pg_host=$value ;;
      port) pg_port=$value ;;
      username | userid | user) pg_user=$value ;;
      password) pg_password=$value ;;
    esac
  done
}

if [ -n "${DEMO_PG:-}" ]; then
  parse_conn "$DEMO_PG"
  say "using the PostgreSQL server of DEMO_PG ($pg_user@$pg_host:$pg_port)"
else
  pg_dir="$(demo_pg_dir)/cluster"
  if [ -f "$pg_state" ]; then
    # shellcheck source=/dev/null
    source "$pg_state"
  fi
  if [ -z "${pg_port:-}" ] || [ -z "${pg_password:-}" ] || [ ! -f "$pg_dir/PG_VERSION" ]; then
    rm -rf "$pg_dir"
    pg_port=$(svc_free_port)
    pg_password="demo-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    printf 'pg_port=%s\npg_password=%s\n' "$pg_port" "$pg_password" >"$pg_state"
    chmod 600 "$pg_state"
  elif ! svc_pg_as_owner "$(svc_pg_bin)/pg_ctl" -D "$pg_dir" status >/dev/null 2>&1 && svc_port_open "$pg_port"; then
    pg_port=$(svc_free_port) # the saved port was taken by something else meanwhile
    printf 'pg_port=%s\npg_password=%s\n' "$pg_port" "$pg_password" >"$pg_state"
  fi
  if ! svc_pg_as_owner "$(svc_pg_bin)/pg_ctl" -D "$pg_dir" status >/dev/null 2>&1; then
    say "starting the demo PostgreSQL cluster (${pg_dir#"$root"/})"
    svc_start_postgres "$pg_dir" "$pg_port" "$pg_password" shared_buffers=256MB max_wal_size=2GB
    started_pg=$pg_dir
  fi
  pg_host=127.0.0.1 pg_user=postgres
fi

psql_bin=$(command -v psql || echo "$(svc_pg_bin)/psql")
demo_psql() { # demo_psql DATABASE [psql args...]
  local db=$1; shift
  PGOPTIONS='-c client_min_messages=warning' PGPASSWORD=$pg_password PGCONNECT_TIMEOUT=10 "$psql_bin" -X -q -v ON_ERROR_STOP=1 -h "$pg_host" -p "$pg_port" \
    -U "$pg_user" -d "$db" "$@"
}
conn() { echo "Host=$pg_host;Port=$pg_port;Username=$pg_user;Password=$pg_password;Database=$1"; }
demo_psql postgres -Atc 'SELECT 1' >/dev/null || fail "cannot connect to PostgreSQL at $pg_host:$pg_port as $pg_user"

# The source is generated once and kept while scripts/sql/demo-source.sql is unchanged (its hash is the comment).
sql_file="$root/scripts/sql/demo-source.sql"
sql_hash=$(md5sum "$sql_file" | cut -c1-32)
current=$(demo_psql postgres -Atc "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'demo_source'")
if [ "$current" != "demo-source $sql_hash" ]; then
  say "generating demo_source from scripts/sql/demo-source.sql (fixed seed; about 350,000 rows)"
  t0=$SECONDS
  demo_psql postgres -c 'DROP DATABASE IF EXISTS demo_source WITH (FORCE)' -c 'CREATE DATABASE demo_source'
  demo_psql demo_source -f "$sql_file"
  demo_psql postgres -c "COMMENT ON DATABASE demo_source IS 'demo-source $sql_hash'"
  say "demo_source generated in $((SECONDS - t0)) s"
else
  say "demo_source is up to date"
fi
demo_psql postgres -c 'DROP DATABASE IF EXISTS demo_target WITH (FORCE)' -c 'CREATE DATABASE demo_target'
say "demo_source tables (rows):"
demo_psql demo_source -At -F ' ' -c "
  SELECT format('  %-12s %8s', c.relname, to_char(s.n, 'FM999,999,999'))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL (SELECT (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text::bigint AS n) s
  WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY c.relname" >&2

# --- build and start the server -----------------------------------------------------------------------------------
srv_build "$data/demo-build.log" || exit 1
stop_server # one left by an earlier --keep-server run
# demo_target was just recreated: migrations an earlier run left in the store would point at a database that is gone.
rm -rf "$data/garnet"
# The web dashboard (clients/web, built with npm) on a browser endpoint of its own beside the gRPC one.
dashboard_url="" dashboard_args=()
if command -v npm >/dev/null && "$root/clients/web/build.sh" >"$data/demo-dashboard-build.log" 2>&1; then
  dashboard_url="http://127.0.0.1:$(svc_free_port)"
  dashboard_args=(--Dashboard:Url="$dashboard_url" --Dashboard:Root="$root/clients/web/dist")
else
  say "the web dashboard is not built (it needs npm; log: .data/demo-dashboard-build.log)"
fi
srv_start "$(svc_free_port)" "$data" "$server_log" "${dashboard_args[@]}"
echo "$SRV_PID" >"$server_pid_file"
srv_wait 120 || exit 1
url=$SRV_URL
[ -z "$dashboard_url" ] || say "web dashboard: $dashboard_url (live progress, charts, decisions and chat; ./demo.sh --keep-server keeps it up)"

# --- the migration ----------------------------------------------------------------------------------------------
say "migration run --source demo_source --target demo_target --yes"
t0=$SECONDS
set +e
srv_cli run --server "$url" --source "$(conn demo_source)" --target "$(conn demo_target)" --yes \
  --description "demo.sh: retail demo"
code=$?
set -e
say "the CLI exited with $code after $((SECONDS - t0)) s"

# An independent look at the result, straight from PostgreSQL.
say "row counts, source -> target:"
count_sql="SELECT string_agg(format('%s=%s', c.relname,
    (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text), ' ' ORDER BY c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'"
src_counts=$(demo_psql demo_source -Atc "$count_sql")
tgt_counts=$(demo_psql demo_target -Atc "$count_sql" 2>/dev/null || true)
for pair in $src_counts; do
  table=${pair%%=*}
  target_rows=$(tr ' ' '\n' <<<"$tgt_counts" | grep "^$table=" | cut -d= -f2 || true)
  mark="ok"; [ "${pair#*=}" = "${target_rows:-}" ] || mark="DIFFERS"
  printf '  %-12s %8s -> %-8s %s\n' "$table" "${pair#*=}" "${target_rows:--}" "$mark" >&2
done

if [ "$keep_server" = 0 ]; then
  stop_server
else
  say "the server is still running on $url (pid $(cat "$server_pid_file")); try:"
  say "  dotnet ${SRV_CLI_DLL#"$root"/} list --server $url"
  if [ -n "${DEMO_PG:-}" ]; then
    say "  psql -h $pg_host -p $pg_port -U $pg_user demo_target"
  else
    say "  psql -h $pg_host -p $pg_port -U $pg_user demo_target   (password: pg_password in ${pg_state#"$root"/})"
  fi
  say "stop it with: ./demo.sh --stop"
fi
say "server log: ${server_log#"$root"/}; demo took $((SECONDS - started_at)) s in all"
exit "$code"
