#!/usr/bin/env bash
# End-to-end service benchmark: the service against the raw PostgreSQL COPY pipe, on the same data in one run.
#
#   bench/service/run.sh                 about 3.1M rows (75k customers, 750k orders, 2.25M order items)
#   SCALE=0.1 bench/service/run.sh       a tenth of that (SCALE multiplies every table)
#   METHODS="raw pass-through" bench/service/run.sh      a subset of: raw raw-pk pass-through pass-through-warm
#                                        pass-through-warm-1 mapped
#   RESULTS_FILE=/tmp/try.md bench/service/run.sh         append the results elsewhere (a trial run)
#   SERVICE_ARGS="--max-concurrent-batches 1" bench/service/run.sh   extra arguments for the CLI's `run`
#   ROUNDS=3 bench/service/run.sh        the methods in turn, ROUNDS times (alternating); each round's ratios are
#                                        against that round's raw pipe, and the medians and spread are reported
#
# Two throwaway PostgreSQL clusters (source, target) with durable settings (fsync, synchronous_commit and
# full_page_writes on). Then, in turn:
#   raw           psql COPY ... TO STDOUT (FORMAT binary) | psql COPY ... FROM STDIN (FORMAT binary), table by table,
#                 into a pre-created schema (primary keys and FK-column indexes, no foreign keys)
#   raw-pk        the same pipe into tables with their primary keys only: what the service loads into (it creates
#                 the other indexes and the foreign keys after the data), so the like-for-like copy-phase baseline
#   pass-through  the service (Release build, embedded store) migrating into a fresh empty database
#   mapped        the same with every table forced onto the mapped path (--force-mapped for each table)
#   pass-through-warm   pass-through on a server that has already run one migration (the customers table into a
#                 scratch database, not measured): without the first run's JIT compilation of the copy path
#   pass-through-warm-1  the same with one page stream (--max-concurrent-batches 1: no key ranges side by side)
# Service runs are timed from the CLI's start to its exit (which is 0 only if the migration completed and was
# validated); the server's RSS is sampled every 200 ms from /proc: idle (just before the run) and peak; its CPU time
# is the user + system time it used during the run. During the copy phase (raw: the pipe; service: first table
# started to last table completed, from the target's control schema) the CPU time of the client (the two psql, or
# the server), of the source cluster and of the target cluster (postmaster, its reaped and live children) is
# sampled every 100 ms from /proc: where the time goes on this 2-core machine. The table is
# printed and appended to bench/service/RESULTS.md. Exits non-zero if a method failed or moved a wrong row count.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bench_tag=bench
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

scale=${SCALE:-1}
rounds=${ROUNDS:-1}
methods=${METHODS:-raw pass-through mapped}
customers=$(awk -v s="$scale" 'BEGIN { n = int(75000 * s); if (n < 1) n = 1; print n }')
tables=(customers orders order_items)
command_line="SCALE=$scale${ROUNDS:+ ROUNDS=$rounds}${METHODS:+ METHODS=\"$methods\"}${SERVICE_ARGS:+ SERVICE_ARGS=\"$SERVICE_ARGS\"} bench/service/run.sh"

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
round=1
# record METHOD ROWS SECONDS IDLE_KB PEAK_KB CPU_S COPY_S CLIENT_CPU SOURCE_CPU TARGET_CPU VERDICT (one word per field)
record() {
  results+=("$round $*")
  [ "${11}" = ok ] || failures=$((failures + 1))
}

# cpu_sampler_start FILE PID: every 100 ms "epoch server-ticks source-ticks target-ticks" into FILE, until stopped.
cpu_sampler_pid=""
cpu_sampler_start() {
  local file=$1 pid=$2
  : >"$file"
  (
    local line
    while true; do
      line=${EPOCHREALTIME/,/.}
      proc_ticks "$pid" 0
      line+=" $ticks"
      cluster_ticks "$work/source"
      line+=" $ticks"
      cluster_ticks "$work/target"
      echo "$line $ticks"
      sleep 0.1
    done
  ) >>"$file" &
  cpu_sampler_pid=$!
}
cpu_sampler_stop() {
  if [ -n "$cpu_sampler_pid" ]; then
    kill "$cpu_sampler_pid" 2>/dev/null || true
    wait "$cpu_sampler_pid" 2>/dev/null || true
  fi
  cpu_sampler_pid=""
}
bench_cleanup_extra() { cpu_sampler_stop; }

# window_cpu FILE START END: "server source target" CPU seconds used between two epochs (the samples nearest
# before START and nearest after END; "- - -" without samples around both).
window_cpu() {
  awk -v a="$2" -v b="$3" -v hz="$(getconf CLK_TCK)" '
    $1 <= a { s1 = $2; s2 = $3; s3 = $4; have_a = 1 }
    $1 >= b && !have_b { e1 = $2; e2 = $3; e3 = $4; have_b = 1 }
    END {
      if (have_a && have_b) printf "%.1f %.1f %.1f", (e1 - s1) / hz, (e2 - s2) / hz, (e3 - s3) / hz
      else print "- - -"
    }' "$1"
}

# The vacuum and analyze autovacuum would start on the tables just loaded, done now (not timed): otherwise it lands in
# the next method's measurement and takes CPU from it.
settle() { tgt "$1" -c 'VACUUM (ANALYZE) customers, orders, order_items' 2>/dev/null || true; }

# run_raw NAME: NAME=raw loads into schema.sql (primary keys and FK-column indexes), raw-pk into the primary keys only.
run_raw() {
  local name=$1 db="${1//-/_}_$round"
  log "$name (round $round): psql binary COPY pipe, table by table"
  tgt postgres -c "CREATE DATABASE $db"
  if [ "$name" = raw-pk ]; then
    grep -v '^CREATE INDEX' "$here/schema.sql" | tgt "$db"
  else
    tgt "$db" -f "$here/schema.sql"
  fi
  src bench -c CHECKPOINT
  tgt "$db" -c CHECKPOINT
  local t0 t1 t s0 g0 times
  s0=$(cluster_cpu "$work/source")
  g0=$(cluster_cpu "$work/target")
  t0=$(now)
  # bash's time of a subshell: the user + system CPU of the psql processes it waited for.
  times=$({ TIMEFORMAT='%3U %3S'; time (
    for t in "${tables[@]}"; do
      src bench -c "COPY $t TO STDOUT (FORMAT binary)" | tgt "$db" -c "COPY $t FROM STDIN (FORMAT binary)"
    done
  ); } 2>&1)
  t1=$(now)
  local client source target
  client=$(awk '{ printf "%.1f", $1 + $2 }' <<<"$times")
  source=$(awk -v a="$s0" -v b="$(cluster_cpu "$work/source")" 'BEGIN { printf "%.1f", b - a }')
  target=$(awk -v a="$g0" -v b="$(cluster_cpu "$work/target")" 'BEGIN { printf "%.1f", b - a }')
  read -r rows verdict < <(count_target "$db")
  settle "$db"
  local secs
  secs=$(seconds "$t0" "$t1")
  record "$name" "$rows" "$secs" - - - "$secs" "$client" "$source" "$target" "$verdict"
}

# run_service NAME [extra CLI arguments]
run_service() {
  local name=$1; shift
  local db="${name//-/_}_$round"
  if [ "$build_ok" != 1 ]; then
    log "$name: skipped, the build failed (see above)"
    record "$name" 0 - - - - - - - - "build failed"
    return
  fi
  log "$name (round $round): the service migrating into a fresh database"
  tgt postgres -c "CREATE DATABASE $db"
  src bench -c CHECKPOINT
  tgt postgres -c CHECKPOINT
  srv_start "$(svc_free_port)" "$work/server-$name-$round" "$work/server-$name-$round.log"
  if ! srv_wait 180; then
    record "$name" 0 - - - - - - - - "server did not start"
    srv_stop
    return
  fi
  if [[ "$name" == *-warm* ]]; then
    log "$name (round $round): warming the server up with an unmeasured migration of public.customers"
    tgt postgres -c "CREATE DATABASE ${db}_warm_up"
    srv_cli run --server "$SRV_URL" --yes --no-color --include-table public.customers \
      --source "$(svc_pg_conn "$src_port" "$src_pw" bench)" --target "$(svc_pg_conn "$tgt_port" "$tgt_pw" "${db}_warm_up")" \
      --description "bench/service warm-up" >"$work/cli-$name-$round-warm-up.log" 2>&1 ||
      log "$name: the warm-up migration failed (see $work/cli-$name-$round-warm-up.log)"
    src bench -c CHECKPOINT
    tgt postgres -c CHECKPOINT
  fi
  sleep 2 # let the freshly started server settle before its idle RSS is read
  local rows verdict copy
  cpu_sampler_start "$work/cpu-$name-$round" "$SRV_PID"
  bench_run_cli "$work/cli-$name-$round.log" \
    --source "$(svc_pg_conn "$src_port" "$src_pw" bench)" --target "$(svc_pg_conn "$tgt_port" "$tgt_pw" "$db")" \
    --description "bench/service $name" "$@"
  local code=$run_code
  cpu_sampler_stop
  read -r rows verdict < <(count_target "$db")
  settle "$db"
  # The copy phase alone, as the control schema recorded it: first table started to last table completed (the
  # end-to-end time also holds analysis, index and foreign key creation after the load, and the full validation).
  copy=$(bench_copy_phase "$db")
  local window cpus
  window=$(tgt "$db" -Atc "SELECT extract(epoch FROM min(started_at)), extract(epoch FROM max(completed_at))
                           FROM migration_control.migration_control" 2>/dev/null || echo "")
  # shellcheck disable=SC2086 # two epochs
  cpus=$(if [ -n "$window" ]; then window_cpu "$work/cpu-$name-$round" ${window/|/ }; else echo "- - -"; fi)
  if [ "$code" -ne 0 ]; then
    verdict="CLI exit $code"
    log "$name: the CLI exited with $code; its last lines:"
    tail -n 25 "$work/cli-$name-$round.log" >&2
    log "server log, last lines:"
    tail -n 25 "$work/server-$name-$round.log" >&2
  fi
  # shellcheck disable=SC2086 # three CPU figures
  record "$name" "$rows" "$run_seconds" "$run_idle_kb" "$run_peak_kb" "$run_cpu_s" "$copy" $cpus "$verdict"
}

for round in $(seq 1 "$rounds"); do
for method in $methods; do
  case "$method" in
    raw | raw-pk) run_raw "$method" ;;
    pass-through | pass-through-warm)
      # shellcheck disable=SC2086 # SERVICE_ARGS is a list of CLI arguments
      run_service "$method" ${SERVICE_ARGS:-}
      ;;
    pass-through-warm-1)
      # shellcheck disable=SC2086 # SERVICE_ARGS is a list of CLI arguments
      run_service "$method" --max-concurrent-batches 1 ${SERVICE_ARGS:-}
      ;;
    mapped)
      forced=()
      for t in "${tables[@]}"; do forced+=(--force-mapped "public.$t"); done
      # shellcheck disable=SC2086 # SERVICE_ARGS is a list of CLI arguments
      run_service mapped "${forced[@]}" ${SERVICE_ARGS:-}
      ;;
    *) log "unknown method $method (known: raw raw-pk pass-through pass-through-warm pass-through-warm-1 mapped)"; exit 2 ;;
  esac
done
done

# --- report -----------------------------------------------------------------------------------------------------
# Ratios are against the raw pipe of the same round ("copy × raw-pk": against the primary-keys-only pipe, the
# like-for-like baseline of the service's copy phase).
declare -A raw_rate
for r in "${results[@]}"; do
  read -r n m rows secs _ <<<"$r"
  case "$m" in raw | raw-pk)
    raw_rate[$m.$n]=$(awk -v n="$rows" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", n / s }') ;;
  esac
done
mb() { if [ "$1" = - ]; then echo -; else awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; fi; }
ratio() { if [ -n "$2" ] && [ "$1" != - ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo -; fi; }
declare -A ratios
table="| round | method | rows | seconds end to end | rows/s end to end | × raw | copy phase s | copy rows/s | copy × raw | copy × raw-pk | copy CPU s: client / source / target | server idle RSS MB | server peak RSS MB | server CPU s | result |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for r in "${results[@]}"; do
  read -r n m rows secs idle peak cpu copy client source target verdict <<<"$r"
  rate=-; copy_rate=-
  if [ "$secs" != - ] && [ "$rows" -gt 0 ]; then
    rate=$(awk -v n="$rows" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
  fi
  if [ "$copy" != - ] && [ "$rows" -gt 0 ]; then
    copy_rate=$(awk -v n="$rows" -v s="$copy" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }')
  fi
  x_raw=$(ratio "$rate" "${raw_rate[raw.$n]:-}")
  c_raw=$(ratio "$copy_rate" "${raw_rate[raw.$n]:-}")
  c_pk=$(ratio "$copy_rate" "${raw_rate[raw-pk.$n]:-}")
  ratios[$m.raw]+="$c_raw "
  ratios[$m.pk]+="$c_pk "
  table+=$'\n'"| $n | $m | $rows | $secs | $rate | $x_raw | $copy | $copy_rate | $c_raw | $c_pk | $client / $source / $target | $(mb "$idle") | $(mb "$peak") | $cpu | $verdict |"
done

# median and spread (min-max) of a list of ratios, "-" entries left out
summarise() {
  tr ' ' '\n' <<<"$1" | grep -E '^[0-9.]+$' | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "-"; exit }
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.2f (%d rounds, %.2f-%.2f)", m, NR, v[1], v[NR] }'
}
summary=""
if [ "$rounds" -gt 1 ]; then
  summary=$'\n\n'"Medians of the copy-phase ratios (rounds, min-max):"
  for m in $methods; do
    case "$m" in raw | raw-pk) continue ;; esac
    summary+=$'\n'"- $m: $(summarise "${ratios[$m.raw]:-}") × raw; $(summarise "${ratios[$m.pk]:-}") × raw-pk"
  done
fi

header="## $(date -u '+%Y-%m-%d %H:%M UTC') — \`$command_line\`

$source_total source rows ($source_size), $(bench_environment)."
printf '\n%s\n\n%s%s\n' "$header" "$table" "$summary"
bench_append "Service benchmark results" "${RESULTS_FILE:-$here/RESULTS.md}" "$header"$'\n\n'"$table$summary"
[ "$failures" -eq 0 ] || { log "$failures method(s) failed"; exit 1; }
