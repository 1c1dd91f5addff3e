#!/usr/bin/env bash
# Peer benchmark: this service against the tools people use today, on the same data, in one run.
#
#   bench/peers/run.sh                          ~3.1M rows (75k customers, 750k orders, 2.25M order items)
#   SCALE=0.01 bench/peers/run.sh               a hundredth of that (a quick check of the script)
#   METHODS="raw-seq service-1" bench/peers/run.sh      a subset of the methods below
#   SERIES="0.1 1 3.33" bench/peers/run.sh      the service (1 instance) also at these scales: ~0.3M, 3M, 10M rows
#                                               (default; SERIES="" skips the series)
#   CLUSTER_STREAMS=6 bench/peers/run.sh        key-range streams the 3-instance run may use (default 6)
#   RESULTS_FILE=/tmp/try.md bench/peers/run.sh append the results elsewhere (a trial run)
#
# Data: bench/service's schema and generator (customers with text, timestamptz, numeric, bool, text[], jsonb; orders;
# order items), in two throwaway PostgreSQL clusters (source, target) with durable settings (fsync,
# synchronous_commit, full_page_writes on). Every method loads into a fresh target database; for the peers the
# schema (primary keys, FK-column indexes, no foreign keys) is created first, as they copy data only:
#   raw-seq       psql COPY ... TO STDOUT (FORMAT binary) | psql COPY ... FROM STDIN (FORMAT binary), table by table
#   raw-par       the same, one pipe per table, all at once
#   dump-restore  pg_dump --data-only -Fc | pg_restore --data-only (one stream)
#   pgcopydb      pgcopydb copy table-data --table-jobs 2 (Debian package pgcopydb; installed when missing)
#   pgloader      pgloader 'data only' with workers = 2, concurrency = 1, batch rows = 10000, prefetch rows = 10000,
#                 create no indexes, no foreign keys (Debian package pgloader; its defaults die with "Heap exhausted"
#                 at this size, and 3.6.x stops with "NIL is not of type INDEX" reading a source with foreign keys
#                 unless told `no foreign keys`)
#   service-1     this service, one instance (embedded store), the CLI's `run` (schema created by the service,
#                 indexes and foreign keys after the load, full validation: the end-to-end time holds all of it)
#   service-3     the same on three instances in one cluster on a throwaway Redis, --max-concurrent-batches
#                 $CLUSTER_STREAMS (the large table's key ranges spread over the three)
# Rows/s = source rows / wall seconds of the method. Peak RSS: the method's processes (the whole process group,
# sampled every 200 ms from /proc); for the service the server process (per instance: the largest of the three).
# The table is printed and appended to bench/peers/RESULTS.md. Exits non-zero if a method failed or moved a wrong
# row count.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
service_bench="$root/bench/service"
bench_tag=peers
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

scale=${SCALE:-1}
methods=${METHODS:-raw-seq raw-par dump-restore pgcopydb pgloader service-1 service-3}
series=${SERIES-0.1 1 3.33}
cluster_streams=${CLUSTER_STREAMS:-6}
tables=(customers orders order_items)
command_line="SCALE=$scale${METHODS:+ METHODS=\"$methods\"} SERIES=\"$series\" CLUSTER_STREAMS=$cluster_streams bench/peers/run.sh"

instance_pids=()
redis_dir=""
# shellcheck disable=SC2317 # invoked by bench_cleanup
bench_cleanup_extra() {
  local pid
  for pid in "${instance_pids[@]}"; do srv_stop_pid "$pid"; done
  if [ -n "$redis_dir" ]; then svc_stop_redis "$redis_dir"; fi
}
bench_init peers

needs() { case " $methods " in *" $1 "*) return 0 ;; esac; return 1; }
needs pgcopydb && { command -v pgcopydb >/dev/null || svc_apt_install pgcopydb; }
needs pgloader && { command -v pgloader >/dev/null || svc_apt_install pgloader; }

bench_start_clusters
src_url() { echo "postgresql://postgres:$src_pw@127.0.0.1:$src_port/$1"; }
tgt_url() { echo "postgresql://postgres:$tgt_pw@127.0.0.1:$tgt_port/$1"; }
pg_bin=$(svc_pg_bin)

build_ok=1
if needs service-1 || needs service-3 || [ -n "$series" ]; then
  srv_build "$work/build.log" || build_ok=0
fi

declare -A source_rows
source_total=0
source_size=""
# generate SCALE: a fresh `bench` source database at that scale.
generate() {
  local s=$1 customers t
  customers=$(awk -v s="$s" 'BEGIN { n = int(75000 * s); if (n < 1) n = 1; print n }')
  log "generating the source at scale $s: $customers customers, $((customers * 10)) orders, $((customers * 30)) order items"
  src postgres -c 'DROP DATABASE IF EXISTS bench'
  src postgres -c 'CREATE DATABASE bench'
  src bench -f "$service_bench/schema.sql"
  src bench -v customers="$customers" -f "$service_bench/source.sql"
  source_size=$(src bench -Atc "SELECT pg_size_pretty(pg_database_size('bench'))")
  source_total=0
  for t in "${tables[@]}"; do
    source_rows[$t]=$(src bench -Atc "SELECT count(*) FROM $t")
    source_total=$((source_total + source_rows[$t]))
  done
  src bench -c CHECKPOINT
}

# Rows in the target database's tables and "ok", or "MISMATCH" when any table differs from the source.
count_target() {
  local db=$1 total=0 n t verdict=ok
  for t in "${tables[@]}"; do
    n=$(tgt "$db" -Atc "SELECT count(*) FROM public.$t" 2>/dev/null || echo 0)
    [ "$n" = "${source_rows[$t]}" ] || verdict=MISMATCH
    total=$((total + n))
  done
  echo "$total $verdict"
}

fresh_target() { # fresh_target DB [with-schema]
  tgt postgres -c "DROP DATABASE IF EXISTS $1"
  tgt postgres -c "CREATE DATABASE $1"
  [ "${2:-}" = with-schema ] && tgt "$1" -f "$service_bench/schema.sql"
  tgt postgres -c CHECKPOINT
}

# The resident memory of a process group in kB (0 once it is gone: ps then fails, which must not stop the script).
group_rss_kb() { { ps -o rss= -g "$1" 2>/dev/null || true; } | awk '{ s += $1 } END { print s + 0 }'; }
results=()
failures=0
# record METHOD SCALE ROWS SECONDS PEAK_KB VERDICT [NOTE...]
record() {
  results+=("$*")
  [ "$6" = ok ] || failures=$((failures + 1))
}

# timed METHOD DB COMMAND...: runs COMMAND in its own process group, samples the group's RSS, records the outcome.
timed() {
  local name=$1 db=$2; shift 2
  local samples="$work/rss-$name.txt" t0 t1 code pid peak rows verdict
  : >"$samples"
  t0=$(now)
  setsid "$@" >"$work/$name.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do group_rss_kb "$pid" >>"$samples"; sleep 0.2; done
  set +e
  wait "$pid"
  code=$?
  set -e
  t1=$(now)
  peak=$(sort -n "$samples" | tail -n 1)
  read -r rows verdict < <(count_target "$db")
  if [ "$code" -ne 0 ]; then
    verdict="exit $code"
    tail -n 20 "$work/$name.log" >&2
  fi
  record "$name" "$scale" "$rows" "$(seconds "$t0" "$t1")" "${peak:-0}" "$verdict"
}

run_raw() { # run_raw seq|par: writes the pipes into a script and times it
  local name="raw-$1" db="raw_$1" script="$work/raw-$1.sh" t
  log "$name: psql binary COPY pipe ($([ "$1" = seq ] && echo 'table by table' || echo 'one pipe per table at once'))"
  fresh_target "$db" with-schema
  {
    echo "set -euo pipefail"
    echo "export PGOPTIONS='-c client_min_messages=warning'"
    for t in "${tables[@]}"; do
      echo "PGPASSWORD='$src_pw' '$pg_bin/psql' -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $src_port -U postgres -d bench -c 'COPY $t TO STDOUT (FORMAT binary)' |" \
        "PGPASSWORD='$tgt_pw' '$pg_bin/psql' -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $tgt_port -U postgres -d $db -c 'COPY $t FROM STDIN (FORMAT binary)'" \
        "$([ "$1" = par ] && echo '&')"
    done
    [ "$1" = par ] && echo 'for job in $(jobs -p); do wait "$job"; done'
    echo "exit 0"
  } >"$script"
  timed "$name" "$db" bash "$script"
}

run_dump_restore() {
  log "dump-restore: pg_dump --data-only -Fc | pg_restore --data-only"
  fresh_target dump with-schema
  timed dump-restore dump bash -c "PGPASSWORD='$src_pw' '$pg_bin/pg_dump' -h 127.0.0.1 -p $src_port -U postgres -d bench --data-only -Fc |
    PGPASSWORD='$tgt_pw' '$pg_bin/pg_restore' -h 127.0.0.1 -p $tgt_port -U postgres -d dump --data-only"
}

run_pgcopydb() {
  log "pgcopydb: copy table-data --table-jobs 2 ($(pgcopydb --version 2>&1 | awk '/^pgcopydb version/ { print $3; exit }'))"
  fresh_target copydb with-schema
  timed pgcopydb copydb env PGCOPYDB_SOURCE_PGURI="$(src_url bench)" PGCOPYDB_TARGET_PGURI="$(tgt_url copydb)" \
    pgcopydb copy table-data --table-jobs 2 --dir "$work/pgcopydb" --not-consistent
}

run_pgloader() {
  log "pgloader: data only, workers 2, concurrency 1, batch rows 10000, prefetch rows 10000"
  fresh_target loader with-schema
  cat >"$work/pgloader.load" <<LOAD
LOAD DATABASE
  FROM $(src_url bench)
  INTO $(tgt_url loader)
  WITH data only, truncate, workers = 2, concurrency = 1, batch rows = 10000, prefetch rows = 10000,
       reset no sequences, disable triggers, create no indexes, no foreign keys;
LOAD
  timed pgloader loader pgloader --no-ssl-cert-verification "$work/pgloader.load"
}

# start_instance PORT DATADIR LOG [ENV=VALUE...]: a server in the background; prints its pid.
start_instance() {
  local port=$1 data=$2 log=$3; shift 3
  mkdir -p "$data"
  env Orleans__SiloPort="$(svc_free_port)" Orleans__GatewayPort="$(svc_free_port)" \
    Kestrel__EndpointDefaults__Protocols=Http2 Security__DevelopmentMode=true \
    Redis__Embedded__DataDirectory="$data/garnet" "$@" \
    setsid dotnet "$SRV_DLL" --contentRoot "$(dirname "$SRV_DLL")" --urls "http://127.0.0.1:$port" </dev/null >"$log" 2>&1 &
  echo $!
}

wait_instance() { # wait_instance PORT PID
  local i
  for ((i = 0; i < 900; i++)); do
    svc_port_open "$1" && srv_cli list --server "http://127.0.0.1:$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# run_service NAME INSTANCES [extra CLI arguments]
run_service() {
  local name=$1 count=$2; shift 2
  local db=${name//-/_}
  db="${db}_$(echo "$scale" | tr . _)"
  if [ "$build_ok" != 1 ]; then
    record "$name" "$scale" 0 - 0 "build failed"
    return
  fi
  log "$name: the service on $count instance(s) migrating into a fresh database"
  fresh_target "$db"
  local env=() ports=() pids=() i port pid
  if [ "$count" -gt 1 ]; then
    redis_dir="$work/redis"
    local redis_port; redis_port=$(svc_free_port)
    svc_start_redis "$redis_dir" "$redis_port"
    env=(Redis__ConnectionString="127.0.0.1:$redis_port" Orleans__ClusterId=peers Orleans__ServiceId="peers-$name" Orleans__AdvertisedIPAddress=127.0.0.1)
  else
    env=(Redis__ConnectionString=)
  fi
  for ((i = 0; i < count; i++)); do
    port=$(svc_free_port)
    pid=$(start_instance "$port" "$work/server-$name-$i" "$work/server-$name-$i.log" "${env[@]}")
    ports+=("$port"); pids+=("$pid"); instance_pids+=("$pid")
  done
  for ((i = 0; i < count; i++)); do
    if ! wait_instance "${ports[$i]}" "${pids[$i]}"; then
      tail -n 30 "$work/server-$name-$i.log" >&2
      record "$name" "$scale" 0 - 0 "instance $i did not start"
      for pid in "${pids[@]}"; do srv_stop_pid "$pid"; done
      instance_pids=()
      return
    fi
  done
  sleep 2
  local samples="$work/rss-$name.txt" t0 t1 code peak rows verdict
  bench_sample_start "$samples" "${pids[@]}"
  t0=$(now)
  set +e
  srv_cli run --server "http://127.0.0.1:${ports[0]}" --yes --no-color \
    --source "$(svc_pg_conn "$src_port" "$src_pw" bench)" --target "$(svc_pg_conn "$tgt_port" "$tgt_pw" "$db")" \
    --description "bench/peers $name" "$@" >"$work/cli-$name.log" 2>&1
  code=$?
  set -e
  t1=$(now)
  bench_sample_stop "$samples"
  peak=$sample_peak
  for pid in "${pids[@]}"; do srv_stop_pid "$pid"; done
  instance_pids=()
  if [ -n "$redis_dir" ]; then svc_stop_redis "$redis_dir"; redis_dir=""; fi
  read -r rows verdict < <(count_target "$db")
  if [ "$code" -ne 0 ]; then
    verdict="CLI exit $code"
    tail -n 25 "$work/cli-$name.log" >&2
    tail -n 25 "$work/server-$name-0.log" >&2
  fi
  record "$name" "$scale" "$rows" "$(seconds "$t0" "$t1")" "${peak:-0}" "$verdict"
}

generate "$scale"
base_rows=$source_total
base_size=$source_size
for method in $methods; do
  case "$method" in
    raw-seq) run_raw seq ;;
    raw-par) run_raw par ;;
    dump-restore) run_dump_restore ;;
    pgcopydb) run_pgcopydb ;;
    pgloader) run_pgloader ;;
    service-1) run_service service-1 1 ;;
    service-3) run_service service-3 3 --max-concurrent-batches "$cluster_streams" ;;
    *) log "unknown method $method (known: raw-seq raw-par dump-restore pgcopydb pgloader service-1 service-3)"; exit 2 ;;
  esac
done

# How the service's cost grows with the data: one instance at each scale of the series.
main_scale=$scale
for s in $series; do
  if [ "$s" = "$main_scale" ] && needs service-1; then continue; fi
  scale=$s
  generate "$s"
  run_service service-1 1
done
scale=$main_scale

# --- report -----------------------------------------------------------------------------------------------------
raw_rate=""
for r in "${results[@]}"; do
  read -r m s rows secs _ <<<"$r"
  [ "$m" = raw-seq ] && [ "$s" = "$main_scale" ] && raw_rate=$(awk -v n="$rows" -v t="$secs" 'BEGIN { if (t > 0) printf "%.0f", n / t }')
done
table="| method | scale | rows | wall s | rows/s | × raw-seq | peak RSS MB | result |
|---|---|---|---|---|---|---|---|"
for r in "${results[@]}"; do
  read -r m s rows secs peak verdict <<<"$r"
  rate=-; ratio=-
  if [ "$secs" != - ] && [ "$rows" -gt 0 ]; then
    rate=$(awk -v n="$rows" -v t="$secs" 'BEGIN { printf "%.0f", n / t }')
    [ -n "$raw_rate" ] && [ "$s" = "$main_scale" ] && ratio=$(awk -v a="$rate" -v b="$raw_rate" 'BEGIN { printf "%.2f", a / b }')
  fi
  table+=$'\n'"| $m | $s | $rows | $secs | $rate | $ratio | $(awk -v k="$peak" 'BEGIN { printf "%.0f", k / 1024 }') | $verdict |"
done

header="## $(date -u '+%Y-%m-%d %H:%M UTC') — \`$command_line\`

$base_rows source rows at scale $main_scale ($base_size), $(bench_environment).
pgloader: data only, workers 2, concurrency 1, batch rows 10000, prefetch rows 10000, no indexes or foreign keys. pgcopydb: copy table-data,
2 table jobs. service-3: three instances, one cluster on a local Redis, --max-concurrent-batches $cluster_streams."
printf '\n%s\n\n%s\n' "$header" "$table"
bench_append "Peer benchmark results" "${RESULTS_FILE:-$here/RESULTS.md}" "$header"$'\n\n'"$table"
[ "$failures" -eq 0 ] || { log "$failures method(s) failed"; exit 1; }
