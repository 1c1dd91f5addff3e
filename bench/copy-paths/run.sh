#!/usr/bin/env bash
# Copy-path benchmark: raw psql binary COPY pipe vs PostgresTableCopier's pass-through and mapped paths, in ONE run,
# on two throwaway PostgreSQL clusters with durable settings. Writes bench/copy-paths/RESULTS.md.
#   bench/copy-paths/run.sh [--rounds N] [--no-sweep]
# ROUNDS rounds of (raw, pass-through, mapped) with the default BatchSettings; then a sweep of fixed page sizes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=3
sweep=1
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --no-sweep) sweep=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

source "$root/scripts/services.sh"
svc_apt_install time bc postgresql-client

work=$(mktemp -d /tmp/copy-paths.XXXXXX)
chmod 755 "$work"
password="bench-$RANDOM$RANDOM"
src_port=$(svc_free_port); tgt_port=$(svc_free_port)
while [ "$tgt_port" = "$src_port" ]; do tgt_port=$(svc_free_port); done
cleanup() { svc_stop_postgres "$work/src"; svc_stop_postgres "$work/tgt"; rm -rf "$work"; }
trap cleanup EXIT

# Durable: fsync, synchronous_commit and full_page_writes stay on (their defaults); bigger WAL so that
# checkpoints do not land in the middle of a measurement.
durable=(fsync=on synchronous_commit=on full_page_writes=on shared_buffers=256MB max_wal_size=4GB checkpoint_timeout=30min)
svc_start_postgres "$work/src" "$src_port" "$password" "${durable[@]}"
svc_start_postgres "$work/tgt" "$tgt_port" "$password" "${durable[@]}"
export PGPASSWORD=$password
src=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$src_port" -U postgres -d postgres)
tgt=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$tgt_port" -U postgres -d postgres)
src_cs="Host=127.0.0.1;Port=$src_port;Username=postgres;Password=$password;Database=postgres"
tgt_cs="Host=127.0.0.1;Port=$tgt_port;Username=postgres;Password=$password;Database=postgres"

log() { printf '\033[1;32m[bench]\033[0m %s\n' "$*" >&2; }

log "creating ~3M source rows (customers 75k -> orders 750k -> order_items 2.25M, FK chain)"
"${src[@]}" <<'SQL'
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL, created_at timestamptz NOT NULL,
  balance numeric(12,2) NOT NULL, active boolean NOT NULL, tags text[], profile jsonb);
INSERT INTO customers
SELECT g, 'Customer ' || g, 'customer' || g || '@example.com', timestamptz '2020-01-01 00:00:00+00' + g * interval '7 minutes 3.25 seconds',
       (g % 1000000) / 100.0, g % 7 <> 0, ARRAY['tag' || (g % 10), 'tier-' || (g % 3)],
       jsonb_build_object('segment', g % 12, 'score', g % 1000, 'newsletter', g % 2 = 0, 'city', 'City ' || (g % 400))
FROM generate_series(1, 75000) g;
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers, ordered_at timestamptz NOT NULL,
  status text NOT NULL, total numeric(12,2) NOT NULL, note text);
INSERT INTO orders
SELECT g, 1 + (g % 75000), timestamptz '2021-01-01 00:00:00+00' + g * interval '41 seconds',
       (ARRAY['new', 'paid', 'shipped', 'delivered', 'cancelled'])[1 + g % 5], (g % 500000) / 10.0,
       CASE WHEN g % 4 = 0 THEN 'note for order ' || g END
FROM generate_series(1, 750000) g;
CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders, product text NOT NULL,
  quantity integer NOT NULL, unit_price numeric(10,2) NOT NULL);
INSERT INTO order_items
SELECT g, 1 + (g % 750000), 'product-' || (g % 5000), 1 + g % 9, (g % 200000) / 100.0
FROM generate_series(1, 2250000) g;
CREATE INDEX ON orders (customer_id);
CREATE INDEX ON order_items (order_id);
VACUUM ANALYZE;
CHECKPOINT;
SQL
size=$("${src[@]}" -At -c "SELECT pg_size_pretty(sum(pg_table_size(c.oid))) FROM pg_class c WHERE relname IN ('customers','orders','order_items')")
total_rows=$("${src[@]}" -At -c "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_items)")
log "source ready: $total_rows rows, $size of heap"

# Target: primary keys and the two FK-column indexes, no FKs (they are created after the load).
"${tgt[@]}" <<'SQL'
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL, created_at timestamptz NOT NULL,
  balance numeric(12,2) NOT NULL, active boolean NOT NULL, tags text[], profile jsonb);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, ordered_at timestamptz NOT NULL, status text NOT NULL,
  total numeric(12,2) NOT NULL, note text);
CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint NOT NULL, product text NOT NULL, quantity integer NOT NULL,
  unit_price numeric(10,2) NOT NULL);
CREATE INDEX ON orders (customer_id);
CREATE INDEX ON order_items (order_id);
SQL

log "building the benchmark (Release)"
dotnet build "$here/CopyPaths.csproj" -c Release -nologo -v q >/dev/null
bench_dll=$(ls "$here"/bin/Release/net*/CopyPaths.dll | head -n 1)

reset_target() {
  "${tgt[@]}" -c "TRUNCATE customers, orders, order_items; DROP SCHEMA IF EXISTS migration_control CASCADE; CHECKPOINT;"
}

# raw psql pipe, tables in turn; prints "rows/s peak_rss_mb cpu_s"
raw_pipe() {
  reset_target
  local start end rss=0 cpu=0
  start=$(date +%s.%N)
  for t in customers orders order_items; do
    /usr/bin/time -f '%M %U %S' -o "$work/out.time" "${src[@]}" -c "COPY $t TO STDOUT (FORMAT binary)" \
      | /usr/bin/time -f '%M %U %S' -o "$work/in.time" "${tgt[@]}" -c "COPY $t FROM STDIN (FORMAT binary)"
    for f in out in; do
      read -r m u s < "$work/$f.time"
      rss=$(( m > rss ? m : rss ))
      cpu=$(echo "$cpu + $u + $s" | bc -l)
    done
  done
  end=$(date +%s.%N)
  local copied; copied=$("${tgt[@]}" -At -c "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_items)")
  [ "$copied" = "$total_rows" ] || { echo "raw pipe copied $copied of $total_rows rows" >&2; exit 1; }
  echo "$(echo "$copied / ($end - $start)" | bc -l | xargs printf '%.0f') $(( rss / 1024 )) $(printf '%.1f' "$cpu")"
}

# copier path: prints the RESULT line's fields "rows/s peak_rss_mb cpu_s median_batch"
copier() {
  local path=$1 base=$2 min=$3 max=$4 threshold=$5
  reset_target
  local line
  line=$(dotnet "$bench_dll" "$path" "$src_cs" "$tgt_cs" "$base" "$min" "$max" "$threshold" true | grep '^RESULT')
  local copied; copied=$("${tgt[@]}" -At -c "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_items)")
  [ "$copied" = "$total_rows" ] || { echo "$path copied $copied of $total_rows rows" >&2; exit 1; }
  local rps rss cpu med
  rps=$(sed -E 's/.*rows_per_s=([0-9]+).*/\1/' <<<"$line")
  rss=$(sed -E 's/.*peak_rss_mb=([0-9]+).*/\1/' <<<"$line")
  cpu=$(sed -E 's/.*cpu_s=([0-9.]+).*/\1/' <<<"$line")
  med=$(sed -E 's/.*median_batch=([0-9]+).*/\1/' <<<"$line")
  echo "$rps $rss $cpu $med"
}

defaults=$(sed -nE 's/.*(BaseBatchSize|MinBatchSize|MaxBatchSize) \{ get; init; \} = ([0-9_]+);.*/\2/p' "$root/src/Migration.Core/Migrations/BatchSettings.cs" | tr -d '_' | xargs)
read -r def_base def_min def_max <<<"$defaults"
def_threshold_s=$(sed -nE 's/.*PerformanceThreshold \{ get; init; \} = TimeSpan.FromSeconds\(([0-9.]+)\);.*/\1/p' "$root/src/Migration.Core/Migrations/BatchSettings.cs")
def_threshold_ms=$(echo "$def_threshold_s * 1000" | bc | xargs printf '%.0f')
log "default BatchSettings: base $def_base, min $def_min, max $def_max, threshold ${def_threshold_s}s"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -a raw_rps pass_rps mapped_rps pass_ratio mapped_ratio
rows_md=""
for r in $(seq 1 "$rounds"); do
  log "round $r/$rounds: raw psql pipe"
  read -r rr rrss rcpu <<<"$(raw_pipe)"
  log "round $r/$rounds: pass-through"
  read -r pr prss pcpu pmed <<<"$(copier passthrough "$def_base" "$def_min" "$def_max" "$def_threshold_ms")"
  log "round $r/$rounds: mapped"
  read -r mr mrss mcpu mmed <<<"$(copier mapped "$def_base" "$def_min" "$def_max" "$def_threshold_ms")"
  praw=$(echo "$pr / $rr" | bc -l | xargs printf '%.2f'); mraw=$(echo "$mr / $rr" | bc -l | xargs printf '%.2f')
  log "round $r: raw $rr rows/s | pass-through $pr rows/s (${praw}x) | mapped $mr rows/s (${mraw}x)"
  raw_rps+=("$rr"); pass_rps+=("$pr"); mapped_rps+=("$mr"); pass_ratio+=("$praw"); mapped_ratio+=("$mraw")
  rows_md+="| $r | raw psql pipe | $rr | 1.00 | $rrss | $rcpu | |"$'\n'
  rows_md+="| $r | PostgresTableCopier pass-through | $pr | $praw | $prss | $pcpu | $pmed |"$'\n'
  rows_md+="| $r | PostgresTableCopier mapped (linq2db BulkCopy) | $mr | $mraw | $mrss | $mcpu | $mmed |"$'\n'
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
spread() { printf '%s\n' "$@" | sort -g | awk 'NR==1{min=$1} {max=$1} END {printf "%.0f%%", (max-min)*100/max}'; }

sweep_md=""
if [ "$sweep" = 1 ]; then
  for pages in 2000 10000 25000 50000; do
    log "sweep: fixed pages of $pages"
    read -r sr srss scpu _ <<<"$(copier passthrough "$pages" "$pages" "$pages" 600000)"
    read -r sm smrss smcpu _ <<<"$(copier mapped "$pages" "$pages" "$pages" 600000)"
    rmed=$(median "${raw_rps[@]}")
    sweep_md+="| $pages | $sr | $(echo "$sr / $rmed" | bc -l | xargs printf '%.2f') | $srss | $scpu | $sm | $(echo "$sm / $rmed" | bc -l | xargs printf '%.2f') | $smrss | $smcpu |"$'\n'
  done
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

raw_med=$(median "${raw_rps[@]}"); pass_med=$(median "${pass_rps[@]}"); mapped_med=$(median "${mapped_rps[@]}")
pass_ratio_med=$(median "${pass_ratio[@]}"); mapped_ratio_med=$(median "${mapped_ratio[@]}")
log "medians: raw $raw_med rows/s, pass-through $pass_med (${pass_ratio_med}x), mapped $mapped_med (${mapped_ratio_med}x)"

pgver=$("${src[@]}" -At -c "SHOW server_version")
cat > "$here/RESULTS.md" <<MD
# Copy paths: raw COPY pipe vs PostgresTableCopier

Measured $(date -u '+%Y-%m-%d %H:%M UTC') with \`bench/copy-paths/run.sh --rounds $rounds$([ "$sweep" = 1 ] || echo ' --no-sweep')\` on $(nproc) vCPUs,
$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), PostgreSQL $pgver source and target clusters on loopback
(fsync, synchronous_commit and full_page_writes on; shared_buffers 256MB, max_wal_size 4GB).
Data: $total_rows rows ($size of heap) in customers (75k: text, timestamptz, numeric, bool, text[], jsonb) -> orders
(750k) -> order_items (2.25M); the target has the primary keys and the two FK-column indexes, no FKs. Tables are
copied one after the other; the target is truncated before every measurement. Every copier page is one durable
transaction with its checkpoint and its batch validation (ValidateBatches on).

Ratios are against the raw pipe of the same round. Peak RSS: the benchmark process's VmHWM (for the raw pipe, the
larger psql). Load average before/after: $load_before / $load_after. Spread of the raw pipe across rounds:
$(spread "${raw_rps[@]}"); of pass-through: $(spread "${pass_rps[@]}"); of mapped: $(spread "${mapped_rps[@]}").

## Default BatchSettings (base $def_base, min $def_min, max $def_max, threshold ${def_threshold_s}s)

| round | method | rows/s | x raw pipe | peak RSS MB | client CPU s | median page |
|---|---|---|---|---|---|---|
$rows_md
**Medians: raw $raw_med rows/s; pass-through $pass_med rows/s (${pass_ratio_med}x); mapped $mapped_med rows/s (${mapped_ratio_med}x).**
Targets: pass-through >= 0.9x, mapped >= 0.5x.
MD
if [ "$sweep" = 1 ]; then
cat >> "$here/RESULTS.md" <<MD

## Fixed page sizes (min = max = base; ratio against the median raw pipe above)

| page rows | pass-through rows/s | x raw | RSS MB | CPU s | mapped rows/s | x raw | RSS MB | CPU s |
|---|---|---|---|---|---|---|---|---|
$sweep_md
MD
fi
log "wrote $here/RESULTS.md"
