#!/usr/bin/env bash
# Where the mapped copy's time goes: the same run as bench/mapping/run.sh (legacy demo pair, durable throwaway clusters,
# Release server, `run --mapping`), with pg_stat_statements on both clusters, the CPU time of the server and of each
# cluster's backends, and pg_stat_activity sampled every 0.5 s. Prints, does not append to RESULTS.md.
#
#   bench/mapping/profile.sh               2,000,000 source rows
#   ROWS=200000 bench/mapping/profile.sh   another size
#
# CPU per cluster = its postmaster's reaped children (backends that ended) + its live backends, before and after the
# run. COPY ... FROM STDIN time in pg_stat_statements includes the time the target waits for the client's rows.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bench_tag=profile
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

size=${ROWS:-2000000}
sql="$root/scripts/sql"
activity_pid=""
# shellcheck disable=SC2317 # invoked by bench_cleanup
bench_cleanup_extra() { if [ -n "$activity_pid" ]; then kill "$activity_pid" 2>/dev/null || true; fi; }

bench_init mapping-profile
bench_start_clusters shared_preload_libraries=pg_stat_statements pg_stat_statements.track=all

(srv_build "$work/build.log") &
build_pid=$!
log "generating the legacy source ($size rows)"
src postgres -c "CREATE DATABASE legacy"
src legacy -c "SET demo.rows = $size" -f "$sql/legacy-demo-source.sql" >/dev/null
tgt postgres -c "CREATE DATABASE mapped"
tgt mapped -f "$sql/legacy-demo-target.sql" >/dev/null
src legacy -c "CREATE EXTENSION pg_stat_statements"
tgt mapped -c "CREATE EXTENSION pg_stat_statements"
wait "$build_pid"
build_pid=""
src legacy -c CHECKPOINT
tgt postgres -c CHECKPOINT
srv_start "$(svc_free_port)" "$work/server" "$work/server.log"
srv_wait 180
sleep 2
src legacy -c "SELECT pg_stat_statements_reset()" >/dev/null
tgt mapped -c "SELECT pg_stat_statements_reset()" >/dev/null

src_cpu0=$(cluster_cpu "$work/source")
tgt_cpu0=$(cluster_cpu "$work/target")
activity_sql="SELECT coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, '-') || ' ' || state || ' '
  || left(regexp_replace(query, '\s+', ' ', 'g'), 60) FROM pg_stat_activity
  WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'"
(while true; do
  tgt mapped -Atc "$activity_sql" 2>/dev/null | sed 's/^/target /' || true
  src legacy -Atc "$activity_sql" 2>/dev/null | sed 's/^/source /' || true
  sleep 0.5
done) >"$work/activity.txt" &
activity_pid=$!

bench_run_cli "$work/cli.log" --fk-mode recreate --mapping "$sql/legacy-demo-mapping.json" \
  --source "$(svc_pg_conn "$src_port" "$src_pw" legacy)" --target "$(svc_pg_conn "$tgt_port" "$tgt_pw" mapped)" \
  --description "bench/mapping profile $size"
kill "$activity_pid" 2>/dev/null || true
activity_pid=""
src_cpu=$(awk -v a="$src_cpu0" -v b="$(cluster_cpu "$work/source")" 'BEGIN { printf "%.1f", b - a }')
tgt_cpu=$(awk -v a="$tgt_cpu0" -v b="$(cluster_cpu "$work/target")" 'BEGIN { printf "%.1f", b - a }')

echo
echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — \`${ROWS:+ROWS=$ROWS }bench/mapping/profile.sh\`"
echo
echo "$(bench_environment)."
echo
echo "CLI exit $run_code; end to end $run_seconds s; copy phase $(bench_copy_phase mapped) s."
echo "CPU seconds over the whole run: server $run_cpu_s, source backends $src_cpu, target backends $tgt_cpu."
echo
echo "Target statements by total time:"
tgt mapped -c "SELECT calls, round(total_exec_time::numeric / 1000, 1) AS seconds, rows,
  left(regexp_replace(query, '\s+', ' ', 'g'), 100) AS statement FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12"
echo "Source statements by total time:"
src legacy -c "SELECT calls, round(total_exec_time::numeric / 1000, 1) AS seconds, rows,
  left(regexp_replace(query, '\s+', ' ', 'g'), 100) AS statement FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 8"
echo "Backend activity samples (every 0.5 s; CPU = running, else the wait event):"
cut -c1-100 "$work/activity.txt" | sed -E 's/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -20
[ "$run_code" -eq 0 ] || { log "the CLI exited with $run_code"; tail -n 25 "$work/cli.log" >&2; exit 1; }
