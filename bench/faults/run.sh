#!/usr/bin/env bash
# Fault injection, long version, and the measured recovery figures (RPO/RTO).
#
#   bench/faults/run.sh [POINTS] [SEED]
#       POINTS   kill -9 points of the random sweep (default 10; 0 skips it); SEED replays a sequence
#   ROWS=300000 bench/faults/run.sh 0      only the RPO/RTO measurement, at 300,000 + 100,000 rows (the default)
#   MEASURE=0 bench/faults/run.sh 20       only the sweep
#
# 1. Sweep: kill -9 of the server at POINTS random points across discovery, execution (mid-page and between pages,
#    two key ranges side by side) and validation (tests/Migration.Resilience.Tests, KillNineTests); each time the
#    server restarts on the same data directory, the migration resumes by itself, and the target is compared with
#    the source (checksums, rows lost, rows duplicated). One line per point and the summary table.
# 2. Measurement: a Release server on its own PostgreSQL cluster (durable settings: fsync, synchronous_commit and
#    full_page_writes on) migrates accounts (ROWS rows, keyed) and ledger (ROWS/3 rows, no key) with pages of PAGE
#    rows, two streams. At 40 % of the rows the server is killed (kill -9) and started again on the same data
#    directory. Reported:
#      RTO  kill → server answering again (restart) and kill → first page committed after the restart (resume)
#      RPO  committed rows lost (checkpoint before the kill vs the target's rows), and the work redone: rows written
#           into the target but rolled back with the page in flight (pg_stat n_tup_ins − final rows), against the
#           bound of one page per stream
#      the backup a migration takes of the target objects it will change: pg_dump --format=custom of the two
#      tables once they hold the migrated rows (the server's own invocation), time and size
#
# Uses MIGRATION_TEST_POSTGRES / MIGRATION_TEST_REDIS for the sweep when set; otherwise starts a private PostgreSQL
# cluster and Redis (scripts/services.sh). Everything started here is stopped on exit.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
points=${1:-10}
seed=${2:-$RANDOM}
rows=${ROWS:-300000}
page=${PAGE:-2000}
measure=${MEASURE:-1}
# shellcheck source=scripts/services.sh
source "$root/scripts/services.sh"
# shellcheck source=scripts/server.sh
source "$root/scripts/server.sh"
log() { printf '\033[1;33m[faults]\033[0m %s\n' "$*" >&2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work=$(mktemp -d "${TMPDIR:-/tmp}/migration-faults.XXXXXX")
chmod 755 "$work" # clusters run as the postgres user when we are root
started_pg="" started_redis="" cli_pid=""
# shellcheck disable=SC2317 # invoked by the trap
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  [ -n "$cli_pid" ] && kill "$cli_pid" 2>/dev/null
  srv_stop
  [ -n "$started_pg" ] && svc_stop_postgres "$work/pg"
  [ -n "$started_redis" ] && svc_stop_redis "$work/redis"
  svc_stop_postgres "$work/measure"
  if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
status=0

# --- 1. the kill -9 sweep ---------------------------------------------------------------------------------------
if [ "$points" -gt 0 ]; then
  if [ -z "${MIGRATION_TEST_POSTGRES:-}" ]; then
    port=$(svc_free_port)
    svc_start_postgres "$work/pg" "$port" faultpass fsync=off
    export MIGRATION_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Password=faultpass"
    started_pg=1
  fi
  if [ -z "${MIGRATION_TEST_REDIS:-}" ]; then
    rport=$(svc_free_port)
    svc_start_redis "$work/redis" "$rport"
    export MIGRATION_TEST_REDIS="127.0.0.1:$rport"
    started_redis=1
  fi
  report="$work/report.tsv"
  : >"$report"
  log "kill -9 at $points random points (seed $seed)"
  set +e
  MIGRATION_FAULT_POINTS=$points MIGRATION_FAULT_SEED=$seed MIGRATION_FAULT_REPORT=$report \
    dotnet test "$root/tests/Migration.Resilience.Tests" --filter "FullyQualifiedName~KillNineTests" \
    --logger "console;verbosity=minimal" >"$work/test.log" 2>&1
  status=$?
  set -e
  printf '%-5s %-11s %-30s %-10s %-9s %6s %10s\n' point phase "killed at" outcome result lost duplicated
  awk -F'\t' '{ printf "%-5s %-11s %-30s %-10s %-9s %6s %10s\n", $1, $2, $3, $4, $5, $6, $7 }' "$report"
  awk -F'\t' '
    { injected++; if ($5 == "survived") survived++; if ($6 > 0) lost += $6; if ($7 > 0) dup += $7 }
    END {
      printf "\n| faults injected | survived | rows lost | rows duplicated |\n|---|---|---|---|\n| %d | %d | %d | %d |\n",
        injected, survived, lost, dup
    }' "$report"
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$work/test.log" >&2
  fi
fi

[ "$measure" = 1 ] || exit "$status"

# --- 2. RPO / RTO -----------------------------------------------------------------------------------------------
ledger=$((rows / 3))
total=$((rows + ledger))
pw="faults-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
pg_port=$(svc_free_port)
svc_start_postgres "$work/measure" "$pg_port" "$pw" fsync=on synchronous_commit=on full_page_writes=on shared_buffers=256MB max_wal_size=4GB
psql_() { PGOPTIONS='-c client_min_messages=warning' svc_psql "$pg_port" "$pw" "$@"; }
(srv_build "$work/build.log") &
build_pid=$!

log "source: $rows accounts, $ledger ledger rows"
psql_ postgres -c 'CREATE DATABASE src' -c 'CREATE DATABASE tgt'
psql_ src <<SQL
CREATE TABLE accounts (id bigint PRIMARY KEY, region int NOT NULL, owner text NOT NULL, balance numeric(14,2) NOT NULL, opened date NOT NULL, note text);
CREATE TABLE ledger (account_id bigint NOT NULL REFERENCES accounts (id), amount numeric(14,2), note text);
INSERT INTO accounts SELECT g, 1 + g % 50, 'owner ' || g, g % 100000 / 7.0, date '2020-01-01' + g % 1500, repeat('n', g % 40) FROM generate_series(1, $rows) g;
INSERT INTO ledger SELECT 1 + g % $rows, g % 997, 'entry ' || g FROM generate_series(1, $ledger) g;
ANALYZE;
SQL
wait "$build_pid"

committed() { psql_ tgt -Atc "SELECT coalesce(sum(rows_copied), 0) FROM migration_control.checkpoints" 2>/dev/null || echo 0; }
server_port=$(svc_free_port)
srv_start "$server_port" "$work/server" "$work/server-1.log"
srv_wait 240
log "migrating: pages of $page rows, 2 streams; kill -9 at 40 % of $total rows"
srv_cli run --server "$SRV_URL" --yes --no-color --description "bench/faults RPO/RTO" \
  --source "$(svc_pg_conn "$pg_port" "$pw" src)" --target "$(svc_pg_conn "$pg_port" "$pw" tgt)" \
  --batch-size "$page" --max-batch-size "$page" --max-concurrent-batches 2 >"$work/cli.log" 2>&1 &
cli_pid=$!
threshold=$((total * 4 / 10))
t_start=$(now)
until [ "$(committed)" -ge "$threshold" ]; do
  if ! kill -0 "$SRV_PID" 2>/dev/null; then log "the server exited"; tail -n 40 "$work/server-1.log" >&2; exit 1; fi
  sleep 0.05
done
kill -KILL "$SRV_PID"
t_kill=$(now)
before_kill=$(committed)
wait "$SRV_PID" 2>/dev/null || true
kill "$cli_pid" 2>/dev/null || true # the client lost its server; the migration goes on without it
wait "$cli_pid" 2>/dev/null || true
cli_pid=""
log "killed at $before_kill committed rows ($(elapsed "$t_start" "$t_kill") s into the copy); restarting"
srv_start "$server_port" "$work/server" "$work/server-2.log"
srv_wait 240
t_up=$(now)
until [ "$(committed)" -gt "$before_kill" ]; do
  if ! kill -0 "$SRV_PID" 2>/dev/null; then log "the server exited"; tail -n 40 "$work/server-2.log" >&2; exit 1; fi
  sleep 0.05
done
t_resume=$(now)
id=$(srv_cli list --server "$SRV_URL" --no-color 2>/dev/null | grep -o 'mig-[0-9a-z-]*' | head -n 1)
log "resumed; waiting for $id to end"
set +e
timeout 900 dotnet "$SRV_CLI_DLL" watch "$id" --server "$SRV_URL" --no-color >"$work/watch.log" 2>&1
set -e
for _ in $(seq 1 600); do
  phase=$(srv_cli status "$id" --server "$SRV_URL" --no-color 2>/dev/null | grep -oiE 'completed|failed|rolled ?back|cancelled' | head -n 1 || true)
  [ -n "$phase" ] && break
  sleep 0.5
done
t_end=$(now)
# Table statistics: a backend reports its counts when it ends (or after 10 s idle). Stop the server so that its
# pooled sessions end, then read n_tup_ins (rows inserted, committed or rolled back) once it no longer moves.
srv_stop
final=$(psql_ tgt -Atc "SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM ledger)")
stats() { psql_ tgt -Atc "SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname IN ('accounts', 'ledger')"; }
inserted=$(stats)
for _ in $(seq 1 30); do
  sleep 1
  next=$(stats)
  [ "$next" = "$inserted" ] && [ "$next" -ge "$final" ] && break
  inserted=$next
done
redone=$((inserted - final))
lost=$((before_kill > final ? before_kill - final : 0))
mismatch=$(psql_ tgt -Atc "SELECT count(*) FROM (SELECT id FROM accounts GROUP BY id HAVING count(*) > 1) d")
backup_file="$work/backup.dump"
t_dump=$(now)
PGPASSWORD=$pw "$(svc_pg_bin)/pg_dump" -h 127.0.0.1 -p "$pg_port" -U postgres -d tgt --format=custom --no-owner --no-privileges \
  -t public.accounts -t public.ledger -f "$backup_file"
t_dumped=$(now)
backup_bytes=$(stat -c %s "$backup_file")
server_backup=$(grep -o 'recovery point: .*' "$work/server-1.log" | head -n 1 || true)

printf '\n| measure (%s + %s rows, pages of %s, 2 streams, durable PostgreSQL) | value |\n|---|---|\n' "$rows" "$ledger" "$page"
printf '| outcome | %s |\n' "${phase:-unknown}"
printf '| killed at (rows committed) | %s of %s |\n' "$before_kill" "$total"
printf '| RTO: kill → server answering again | %s s |\n' "$(elapsed "$t_kill" "$t_up")"
printf '| RTO: kill → first page committed after the restart | %s s |\n' "$(elapsed "$t_kill" "$t_resume")"
printf '| committed rows lost | %s |\n' "$lost"
printf '| rows redone (written, rolled back with the pages in flight) | %s (bound: 2 streams × %s = %s) |\n' "$redone" "$page" "$((2 * page))"
printf '| duplicated keys in the target | %s |\n' "$mismatch"
printf '| rows in the target at the end | %s of %s |\n' "$final" "$total"
printf '| whole migration, start → end (with the kill) | %s s |\n' "$(elapsed "$t_start" "$t_end")"
printf '| backup of the target tables once loaded (pg_dump custom) | %s s, %s MB |\n' "$(elapsed "$t_dump" "$t_dumped")" "$(awk -v b="$backup_bytes" 'BEGIN { printf "%.1f", b / 1048576 }')"
printf '| the server'"'"'s own recovery point (target empty before) | %s |\n' "${server_backup:-not logged}"
if [ "$final" -ne "$total" ] || [ "$lost" -ne 0 ] || [ "$mismatch" -ne 0 ] || [ "${phase,,}" != completed ]; then
  log "the measured run did not end correctly"
  tail -n 30 "$work/server-2.log" >&2
  status=1
fi
exit "$status"
