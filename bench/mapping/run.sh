#!/usr/bin/env bash
# Schema-changing migration benchmark: the legacy demo pair (scripts/sql/legacy-demo-*) migrated through the service
# with its mapping spec (new UUID keys, rewritten references, value maps, leftovers, orphan and duplicate policies,
# id mappings in the same transactions), against the raw binary COPY pipe of the same source tables, in one run.
#
#   bench/mapping/run.sh                       2,000,000 source rows
#   ROWS=200000 bench/mapping/run.sh           another size (demo.rows of legacy-demo-source.sql)
#   SIZES="200000 2000000" bench/mapping/run.sh   the service at several sizes (peak RSS must stay flat), raw at each
#   RESULTS_FILE=/tmp/try.md bench/mapping/run.sh  append the results elsewhere (a trial run)
#   SERVICE_ARGS="--max-concurrent-batches 1" bench/mapping/run.sh   extra arguments for the CLI's `run`
#
# Two throwaway PostgreSQL clusters (source, target) with durable settings. For each size:
#   raw      psql COPY ... TO STDOUT (FORMAT binary) | psql COPY ... FROM STDIN (FORMAT binary) of the 8 source tables
#            into a copy of the SOURCE schema (no transformation: the ceiling of moving these rows at all)
#   mapped   the service (Release build, embedded store) migrating the source into the modern target schema
#            (legacy-demo-target.sql, foreign keys recreated after the load) with `run --mapping legacy-demo-mapping.json`
# rows/s counts SOURCE rows (every source row is read, evaluated and migrated or kept out by a policy). The server's
# RSS is sampled every 200 ms (idle before the run, peak during it). The copy phase is read from the control schema.
# Exits non-zero if a run failed or its rows do not reconcile.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bench_tag=bench
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

sizes=${SIZES:-${ROWS:-2000000}}
sql="$root/scripts/sql"
tables=(dispatch_category dispatch_customer dispatch_product dispatch_product_categories dispatch_order
  dispatch_order_item dispatch_payment dispatch_comment)
targets=(categories customers products product_categories orders order_lines payments comments)
command_line="${SIZES:+SIZES=\"$SIZES\" }${ROWS:+ROWS=$ROWS }${SERVICE_ARGS:+SERVICE_ARGS=\"$SERVICE_ARGS\" }bench/mapping/run.sh"

bench_init mapping-bench
bench_start_clusters

(srv_build "$work/build.log") &
build_pid=$!

results=()
failures=0
build_ok=""

for size in $sizes; do
  db="legacy_$size"
  log "size $size: generating the legacy source"
  t0=$SECONDS
  src postgres -c "CREATE DATABASE $db"
  src "$db" -c "SET demo.rows = $size" -f "$sql/legacy-demo-source.sql"
  source_total=0
  for t in "${tables[@]}"; do source_total=$((source_total + $(src "$db" -Atc "SELECT count(*) FROM $t"))); done
  log "size $size: $source_total source rows, $(src "$db" -Atc "SELECT pg_size_pretty(pg_database_size('$db'))"), generated in $((SECONDS - t0)) s"

  # raw: the same source tables through the binary COPY pipe into a copy of the source schema.
  raw="raw_$size"
  tgt postgres -c "CREATE DATABASE $raw"
  PGPASSWORD=$src_pw "$(svc_pg_bin)/pg_dump" -s -h 127.0.0.1 -p "$src_port" -U postgres "$db" >"$work/schema.sql"
  tgt "$raw" -f "$work/schema.sql" >/dev/null
  for t in "${tables[@]}"; do tgt "$raw" -c "ALTER TABLE $t DISABLE TRIGGER ALL" >/dev/null; done
  src "$db" -c CHECKPOINT
  tgt "$raw" -c CHECKPOINT
  t0=$(now)
  for t in "${tables[@]}"; do
    src "$db" -c "COPY $t TO STDOUT (FORMAT binary)" | tgt "$raw" -c "COPY $t FROM STDIN (FORMAT binary)"
  done
  t1=$(now)
  raw_rows=0
  for t in "${tables[@]}"; do raw_rows=$((raw_rows + $(tgt "$raw" -Atc "SELECT count(*) FROM $t"))); done
  raw_secs=$(seconds "$t0" "$t1")
  verdict=ok; [ "$raw_rows" = "$source_total" ] || { verdict=MISMATCH; failures=$((failures + 1)); }
  results+=("$size raw $source_total $raw_secs - - - - $verdict")
  tgt postgres -c "DROP DATABASE $raw"

  # mapped: the service with the spec.
  if [ -z "$build_ok" ]; then
    log "waiting for the Release build"
    if wait "$build_pid"; then build_ok=1; else build_ok=0; fi
    build_pid=""
  fi
  if [ "$build_ok" != 1 ]; then
    results+=("$size mapped 0 - - - - - build-failed")
    failures=$((failures + 1))
    continue
  fi
  mapped="mapped_$size"
  tgt postgres -c "CREATE DATABASE $mapped"
  tgt "$mapped" -f "$sql/legacy-demo-target.sql"
  src "$db" -c CHECKPOINT
  tgt postgres -c CHECKPOINT
  srv_start "$(svc_free_port)" "$work/server-$size" "$work/server-$size.log"
  if ! srv_wait 180; then
    results+=("$size mapped 0 - - - - - server-did-not-start")
    failures=$((failures + 1))
    srv_stop
    continue
  fi
  sleep 2
  # shellcheck disable=SC2086 # SERVICE_ARGS is a list of CLI arguments
  bench_run_cli "$work/cli-$size.log" --fk-mode recreate --mapping "$sql/legacy-demo-mapping.json" \
    --source "$(svc_pg_conn "$src_port" "$src_pw" "$db")" --target "$(svc_pg_conn "$tgt_port" "$tgt_pw" "$mapped")" \
    --description "bench/mapping $size" ${SERVICE_ARGS:-}
  code=$run_code
  copy=$(bench_copy_phase "$mapped")
  # Reconciliation: migrated + kept out by a policy = source rows.
  migrated=0
  for t in "${targets[@]}"; do migrated=$((migrated + $(tgt "$mapped" -Atc "SELECT count(*) FROM $t" 2>/dev/null || echo 0))); done
  kept=$(tgt "$mapped" -Atc "SELECT coalesce(sum(rows), 0) FROM migration_control.mapping_outcomes WHERE outcome <> 'orphan_nulled'" 2>/dev/null || echo 0)
  verdict=ok
  [ $((migrated + kept)) = "$source_total" ] || verdict="MISMATCH($migrated+$kept)"
  if [ "$code" -ne 0 ]; then
    verdict="CLI-exit-$code"
    log "size $size: the CLI exited with $code; its last lines:"
    tail -n 25 "$work/cli-$size.log" >&2
    tail -n 25 "$work/server-$size.log" >&2
  fi
  [ "$verdict" = ok ] || failures=$((failures + 1))
  results+=("$size mapped $source_total $run_seconds $run_idle_kb $run_peak_kb $run_cpu_s $copy $verdict")
  tgt postgres -c "DROP DATABASE $mapped"
  src postgres -c "DROP DATABASE $db"
done

# --- report -----------------------------------------------------------------------------------------------------
mb() { if [ "$1" = - ]; then echo -; else awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; fi; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s != "-" && s > 0) printf "%.0f", n / s; else print "-" }'; }
table="| source rows | method | seconds end to end | rows/s end to end | copy phase s | copy rows/s | copy × raw | server idle RSS MB | server peak RSS MB | server CPU s | result |
|---|---|---|---|---|---|---|---|---|---|---|"
declare -A raw_rate
for r in "${results[@]}"; do
  read -r size m rows secs _ <<<"$r"
  [ "$m" = raw ] && raw_rate[$size]=$(rate "$rows" "$secs")
done
for r in "${results[@]}"; do
  read -r size m rows secs idle peak cpu copy verdict <<<"$r"
  [ "$m" = raw ] && copy=$secs
  copy_rate=$(rate "$rows" "$copy")
  ratio=-
  [ "$copy_rate" != - ] && [ -n "${raw_rate[$size]:-}" ] && [ "${raw_rate[$size]}" != - ] &&
    ratio=$(awk -v a="$copy_rate" -v b="${raw_rate[$size]}" 'BEGIN { printf "%.2f", a / b }')
  table+=$'\n'"| $rows | $m | $secs | $(rate "$rows" "$secs") | $copy | $copy_rate | $ratio | $(mb "$idle") | $(mb "$peak") | $cpu | $verdict |"
done
header="## $(date -u '+%Y-%m-%d %H:%M UTC') — \`$command_line\`

$(bench_environment). Target: ≥ 0.5× raw (copy phase), peak RSS < 400 MB and flat."
printf '\n%s\n\n%s\n' "$header" "$table"
bench_append "Mapping benchmark results" "${RESULTS_FILE:-$here/RESULTS.md}" "$header"$'\n\n'"$table"
[ "$failures" -eq 0 ] || { log "$failures run(s) failed"; exit 1; }
