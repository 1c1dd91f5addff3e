#!/usr/bin/env bash
# End-to-end service benchmark: the service against the raw PostgreSQL COPY pipe, on the same data in one run.
#
#   bench/service/run.sh                 about 3.1M rows (75k customers, 750k orders, 2.25M order items)
#   SCALE=0.1 bench/service/run.sh       a tenth of that (SCALE multiplies every table)
#   METHODS="raw pass-through" bench/service/run.sh      a subset of: raw pass-through mapped
#   RESULTS_FILE=/tmp/try.md bench/service/run.sh         append the results elsewhere (a trial run)
#   SERVICE_ARGS="--max-concurrent-batches 1" bench/service/run.sh   extra arguments for the CLI's `run`
#
# Two throwaway PostgreSQL clusters (source, target) with durable settings (fsync, synchronous_commit and
# full_page_writes on). Then, in turn:
#   raw           psql COPY ... TO STDOUT (FORMAT binary) | psql COPY ... FROM STDIN (FORMAT binary), table by table,
#                 into a pre-created schema (primary keys and FK-column indexes, no foreign keys)
#   pass-through  the service (Release build, embedded store) migrating into a fresh empty database
#   mapped        the same with every table forced onto the mapped path (--force-mapped for each table)
# Service runs are timed from the CLI's start to its exit (which is 0 only if the migration completed and was
# validated); the server's RSS is sampled every 200 ms from /proc: idle (just before the run) and peak; its CPU time
# is the user + system time it used during the run. The table is
# printed and appended to bench/service/RESULTS.md. Exits non-zero if a method failed or moved a wrong row count.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bench_tag=bench
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

scale=${SCALE:-1}
methods=${METHODS:-raw pass-through mapped}
customers=$(awk -v s="$scale" 'BEGIN { n = int(75000 * s); if (n < 1) n = 1; print n }')
tables=(customers orders order_items)
command_line="SCALE=$scale${METHODS:+ METHODS=\"$methods\"}${SERVICE_ARGS:+ SERVICE_ARGS=\"$SERVICE_ARGS\"} bench/service/run.sh"

bench_init bench
bench_start_clusters

needs_service=0
case " $methods " in *" pass-through "* | *" mapped "*) needs_service=1 ;; esac
if [ "$needs_service" = 1 ]; then
  (srv_build "$work/build.log") &
  build_pid=$!
fi

log "generating the source: $customers customers, $((customers * 10)) orders, $((customers * 30)) order items"
t0=$SECONDS
src postgres -c 'CREATE DATABASE bench'
src bench -f "$here/schema.sql"
src bench -v customers="$customers" -f "$here/source.sql"
source_size=$(src bench -Atc "SELECT pg_size_pretty(pg_database_size('bench'))")
log "source generated in $((SECONDS - t0)) s ($source_size)"

declare -A source_rows
source_total=0
for t in "${tables[@]}"; do
  source_rows[$t]=$(src bench -Atc "SELECT count(*) FROM $t")
  source_total=$((source_total + source_rows[$t]))
done

build_ok=1
if [ -n "$build_pid" ]; then
  log "waiting for the Release build"
  wait "$build_pid" || build_ok=0
  build_pid=""
fi

# Rows in the target database's tables; "MISMATCH" when any table differs from the source.
count_target() {
  local db=$1 total=0 n t verdict=ok
  for t in "${tables[@]}"; do
    n=$(tgt "$db" -Atc "SELECT count(*) FROM public.$t" 2>/dev/null || echo 0)
    [ "$n" = "${source_rows[$t]}" ] || verdict=MISMATCH
    total=$((total + n))
  done
  echo "$total $verdict"
}

results=()
failures=0
# record METHOD ROWS SECONDS IDLE_KB PEAK_KB CPU_S VERDICT
record() {
  results+=("$*")
  [ "$8" = ok ] || failures=$((failures + 1))
}

run_raw() {
  log "raw: psql binary COPY pipe, table by table"
  tgt postgres -c 'CREATE DATABASE raw'
  tgt raw -f "$here/schema.sql"
  src bench -c CHECKPOINT
  tgt raw -c CHECKPOINT
  local t0 t1 t
  t0=$(now)
  for t in "${tables[@]}"; do
    src bench -c "COPY $t TO STDOUT (FORMAT binary)" | tgt raw -c "COPY $t FROM STDIN (FORMAT binary)"
  done
  t1=$(now)
  read -r rows verdict < <(count_target raw)
  record raw "$rows" "$(seconds "$t0" "$t1")" - - - - "$verdict"
}

# run_service NAME [extra CLI arguments]
run_service() {
  local name=$1; shift
  local db=${name//-/_}
  if [ "$build_ok" != 1 ]; then
    log "$name: skipped, the build failed (see above)"
    record "$name" 0 - - - - - "build failed"
    return
  fi
  log "$name: the service migrating into a fresh database"
  tgt postgres -c "CREATE DATABASE $db"
  src bench -c CHECKPOINT
  tgt postgres -c CHECKPOINT
  srv_start "$(svc_free_port)" "$work/server-$name" "$work/server-$name.log"
  if ! srv_wait 180; then
    record "$name" 0 - - - - - "server did not start"
    srv_stop
    return
  fi
  sleep 2 # let the freshly started server settle before its idle RSS is read
  local rows verdict copy
  bench_run_cli "$work/cli-$name.log" \
    --source "$(svc_pg_conn "$src_port" "$src_pw" bench)" --target "$(svc_pg_conn "$tgt_port" "$tgt_pw" "$db")" \
    --description "bench/service $name" "$@"
  local code=$run_code
  read -r rows verdict < <(count_target "$db")
  # The copy phase alone, as the control schema recorded it: first table started to last table completed (the
  # end-to-end time also holds analysis, index and foreign key creation after the load, and the full validation).
  copy=$(bench_copy_phase "$db")
  if [ "$code" -ne 0 ]; then
    verdict="CLI exit $code"
    log "$name: the CLI exited with $code; its last lines:"
    tail -n 25 "$work/cli-$name.log" >&2
    log "server log, last lines:"
    tail -n 25 "$work/server-$name.log" >&2
  fi
  record "$name" "$rows" "$run_seconds" "$run_idle_kb" "$run_peak_kb" "$run_cpu_s" "$copy" "$verdict"
}

for method in $methods; do
  case "$method" in
    raw) run_raw ;;
    pass-through) run_service pass-through ${SERVICE_ARGS:-} ;;
    mapped)
      forced=()
      for t in "${tables[@]}"; do forced+=(--force-mapped "public.$t"); done
      # shellcheck disable=SC2086 # SERVICE_ARGS is a list of CLI arguments
      run_service mapped "${forced[@]}" ${SERVICE_ARGS:-}
      ;;
    *) log "unknown method $method (known: raw pass-through mapped)"; exit 2 ;;
  esac
done

# --- report -----------------------------------------------------------------------------------------------------
raw_rate=""
for r in "${results[@]}"; do
  read -r m rows secs _ <<<"$r"
  [ "$m" = raw ] && raw_rate=$(awk -v n="$rows" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", n / s }')
done
mb() { if [ "$1" = - ]; then echo -; else awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; fi; }
table="| method | rows | seconds end to end | rows/s end to end | × raw | copy phase s | copy rows/s | copy × raw | server idle RSS MB | server peak RSS MB | server CPU s | result |
|---|---|---|---|---|---|---|---|---|---|---|---|"
for r in "${results[@]}"; do
  read -r m rows secs idle peak cpu copy verdict <<<"$r"
  rate=-; ratio=-; copy_rate=-; copy_ratio=-
  if [ "$m" = raw ]; then copy=$secs; fi
  if [ "${copy:--}" != - ] && [ "$rows" -gt 0 ]; then
    copy_rate=$(awk -v n="$rows" -v s="$copy" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }')
    [ -n "$raw_rate" ] && [ "$copy_rate" != - ] && copy_ratio=$(awk -v a="$copy_rate" -v b="$raw_rate" 'BEGIN { printf "%.2f", a / b }')
  fi
  if [ "$secs" != - ] && [ "$rows" -gt 0 ]; then
    rate=$(awk -v n="$rows" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
    [ -n "$raw_rate" ] && ratio=$(awk -v a="$rate" -v b="$raw_rate" 'BEGIN { printf "%.2f", a / b }')
  fi
  table+=$'\n'"| $m | $rows | $secs | $rate | $ratio | ${copy:--} | $copy_rate | $copy_ratio | $(mb "$idle") | $(mb "$peak") | $cpu | $verdict |"
done

header="## $(date -u '+%Y-%m-%d %H:%M UTC') — \`$command_line\`

$source_total source rows ($source_size), $(bench_environment)."
printf '\n%s\n\n%s\n' "$header" "$table"
bench_append "Service benchmark results" "${RESULTS_FILE:-$here/RESULTS.md}" "$header"$'\n\n'"$table"
[ "$failures" -eq 0 ] || { log "$failures method(s) failed"; exit 1; }
