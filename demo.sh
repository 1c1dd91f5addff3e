#!/usr/bin/env bash
# The demo: a schema-changing migration of a legacy "dispatch" application database (integer ids, cryptic names, status
# codes, a polymorphic reference, orphans, duplicates; scripts/sql/legacy-demo-source.sql, about 300,000 rows) into a
# modern schema (UUID keys with legacy ids, enums, renamed tables and columns, metadata jsonb, foreign keys;
# legacy-demo-target.sql) with the mapping spec legacy-demo-mapping.json, through the service, with live progress and
# the validation report.
#
#   ./demo.sh                 run the demo; exits with the CLI's exit code (0 = completed and validated)
#   ./demo.sh --same-schema   the earlier demo instead: a retail database (about 350,000 rows: FK cycle, self-reference,
#                             a table without a primary key, enums, jsonb, arrays, money) copied into an empty database
#   ./demo.sh --keep-server   leave the server (and the demo PostgreSQL) running afterwards, to try other CLI verbs
#   ./demo.sh --stop          stop what --keep-server left running
#
# DEMO_ROWS sets the legacy source's size (default 300000).
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
same_schema=0
for arg in "$@"; do
  case "$arg" in
    --keep-server) keep_server=1 ;;
    --same-schema) same_schema=1 ;;
    --stop) stop_only=1 ;;
    -h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

# The source is generated once and kept while its SQL (and size) is unchanged (their hash is the database's comment).
if [ "$same_schema" = 1 ]; then
  source_db=demo_source target_db=demo_target
  sql_file="$root/scripts/sql/demo-source.sql"
  sql_hash=$(md5sum "$sql_file" | cut -c1-32)
  generate() { demo_psql "$source_db" -f "$sql_file"; }
  what="a retail database (fixed seed; about 350,000 rows)"
else
  source_db=legacy_source target_db=modern_target
  rows=${DEMO_ROWS:-300000}
  [[ "$rows" =~ ^[0-9]+$ ]] || fail "DEMO_ROWS must be a number of rows"
  sql_file="$root/scripts/sql/legacy-demo-source.sql"
  sql_hash=$( (cat "$sql_file"; echo "$rows") | md5sum | cut -c1-32)
  generate() { demo_psql "$source_db" -c "SET demo.rows = $rows" -f "$sql_file"; }
  what="the legacy dispatch database (about $rows rows, deterministic)"
fi
current=$(demo_psql postgres -Atc "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$source_db'")
if [ "$current" != "$source_db $sql_hash" ]; then
  say "generating $source_db from ${sql_file#"$root"/}: $what"
  t0=$SECONDS
  demo_psql postgres -c "DROP DATABASE IF EXISTS $source_db WITH (FORCE)" -c "CREATE DATABASE $source_db"
  generate
  demo_psql postgres -c "COMMENT ON DATABASE $source_db IS '$source_db $sql_hash'"
  say "$source_db generated in $((SECONDS - t0)) s"
else
  say "$source_db is up to date"
fi
demo_psql postgres -c "DROP DATABASE IF EXISTS $target_db WITH (FORCE)" -c "CREATE DATABASE $target_db"
if [ "$same_schema" = 0 ]; then
  demo_psql "$target_db" -f "$root/scripts/sql/legacy-demo-target.sql"
fi
say "$source_db tables (rows):"
demo_psql "$source_db" -At -F ' ' -c "
  SELECT format('  %-28s %9s', c.relname, to_char(s.n, 'FM999,999,999'))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL (SELECT (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text::bigint AS n) s
  WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY c.relname" >&2

# --- build and start the server -----------------------------------------------------------------------------------
srv_build "$data/demo-build.log" || exit 1
stop_server # one left by an earlier --keep-server run
# The target was just recreated: migrations an earlier run left in the store would point at a database that is gone.
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
if [ "$same_schema" = 1 ]; then
  run_args=(--description "demo.sh: retail demo")
else
  run_args=(--mapping "$root/scripts/sql/legacy-demo-mapping.json" --fk-mode recreate --description "demo.sh: legacy dispatch to modern schema")
fi
say "migration run --source $source_db --target $target_db ${run_args[*]:0:4} --yes"
t0=$SECONDS
set +e
srv_cli run --server "$url" --source "$(conn "$source_db")" --target "$(conn "$target_db")" --yes "${run_args[@]}"
code=$?
set -e
say "the CLI exited with $code after $((SECONDS - t0)) s"

# An independent look at the result, straight from PostgreSQL.
table_rows() { # table_rows DATABASE: "table=rows ..." of its public tables
  demo_psql "$1" -Atc "SELECT string_agg(format('%s=%s', c.relname,
      (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text), ' ' ORDER BY c.relname)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'" 2>/dev/null || true
}
src_counts=$(table_rows "$source_db")
tgt_counts=$(table_rows "$target_db")
rows_of() { tr ' ' '\n' <<<"$1" | grep "^$2=" | cut -d= -f2 || true; }
if [ "$same_schema" = 1 ]; then
  say "row counts, source -> target:"
  for pair in $src_counts; do
    table=${pair%%=*}
    target_rows=$(rows_of "$tgt_counts" "$table")
    mark="ok"; [ "${pair#*=}" = "${target_rows:-}" ] || mark="DIFFERS"
    printf '  %-12s %8s -> %-8s %s\n' "$table" "${pair#*=}" "${target_rows:--}" "$mark" >&2
  done
else
  say "row counts, source -> target (+ rows kept out by the spec's policies: orphans, rejected values, duplicates):"
  while read -r from to; do
    source_rows=$(rows_of "$src_counts" "$from")
    target_rows=$(rows_of "$tgt_counts" "$to")
    kept=$(demo_psql "$target_db" </dev/null -Atc "SELECT coalesce(sum(rows), 0) FROM migration_control.mapping_outcomes
                                         WHERE table_name = 'public.$from' AND outcome <> 'orphan_nulled'" 2>/dev/null || echo 0)
    mark="ok"; [ "${source_rows:-0}" = "$(( ${target_rows:-0} + kept ))" ] || mark="DIFFERS"
    printf '  %-28s %8s -> %-19s %8s %s\n' "$from" "${source_rows:--}" "$to" "${target_rows:--} (+$kept)" "$mark" >&2
  done <<'PAIRS'
dispatch_category categories
dispatch_customer customers
dispatch_product products
dispatch_product_categories product_categories
dispatch_order orders
dispatch_order_item order_lines
dispatch_payment payments
dispatch_comment comments
PAIRS
  say "rows kept out and listed for review: SELECT reason, row_key FROM migration_control.quarantine (in $target_db)"
fi

if [ "$keep_server" = 0 ]; then
  stop_server
else
  say "the server is still running on $url (pid $(cat "$server_pid_file")); try:"
  say "  dotnet ${SRV_CLI_DLL#"$root"/} list --server $url"
  if [ -n "${DEMO_PG:-}" ]; then
    say "  psql -h $pg_host -p $pg_port -U $pg_user $target_db"
  else
    say "  psql -h $pg_host -p $pg_port -U $pg_user $target_db   (password: pg_password in ${pg_state#"$root"/})"
  fi
  say "stop it with: ./demo.sh --stop"
fi
say "server log: ${server_log#"$root"/}; demo took $((SECONDS - started_at)) s in all"
exit "$code"
