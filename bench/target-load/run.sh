#!/usr/bin/env bash
# What loading one table costs the target PostgreSQL, by how the load is cut: the CPU seconds of the whole target
# cluster (backends, WAL writer, checkpointer) and the wall time to load the same 1,000,000 rows (an order-items
# shape: composite primary key, integers, numerics, a text) from binary COPY files the server reads itself, so no
# client and no network take part. Appends to RESULTS.md in this folder.
#
#   bench/target-load/run.sh                 3 alternating rounds
#   ROUNDS=5 ROWS=2000000 bench/target-load/run.sh   (RESULTS_FILE=... to append elsewhere)
#
# Methods (each into a new table holding only its primary key, as the service's pass-through path loads):
#   one            one COPY of every row in one transaction (what the raw binary COPY pipe does)
#   pages          20 pages, each its own transaction with synchronous_commit off (one page stream of the service)
#   two-streams    two sessions at once, 10 pages each, on the lower and upper half of the keys (two streams)
#   two-streams-pk-after   the same into the table without its primary key, then ADD PRIMARY KEY (one process)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bench_tag=target-load
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

rows=${ROWS:-1000000}
rounds=${ROUNDS:-3}
pages=20
methods=(one pages two-streams two-streams-pk-after)

bench_init target-load
bench_start_clusters
files="$work/pages"
mkdir -p "$files"
chmod 777 "$files" # the cluster's server process writes and reads the page files

log "generating $rows rows and their page files"
orders=$(((rows + 2) * 6 / 15))
tgt postgres -c "CREATE DATABASE load" >/dev/null
tgt load >/dev/null <<SQL
CREATE TABLE items (order_id integer, line_no integer, product_id integer, quantity integer,
                    unit_price numeric(10,2), discount numeric(10,2), note text, PRIMARY KEY (order_id, line_no));
INSERT INTO items
SELECT o, l, (o * 7 + l) % 5000, 1 + (o + l) % 5, ((o * 13 + l) % 10000) / 100.0, 0,
       CASE WHEN o % 3 = 0 THEN 'gift wrap please' END
FROM generate_series(1, $orders) o, generate_series(1, 3) l WHERE (o + l) % 6 <> 0
ORDER BY 1, 2 LIMIT $rows;
COPY (SELECT * FROM items ORDER BY order_id, line_no) TO '$files/all.bin' (FORMAT binary);
SELECT format('COPY (SELECT * FROM items WHERE order_id > %s AND order_id <= %s ORDER BY order_id, line_no) TO %L (FORMAT binary)',
              lo, hi, '$files/page' || n || '.bin')
FROM (SELECT n, (SELECT max(order_id) FROM items) * n / $pages AS lo, (SELECT max(order_id) FROM items) * (n + 1) / $pages AS hi
      FROM generate_series(0, $pages - 1) n) p \gexec
SQL
loaded=$(tgt load -Atc "SELECT count(*) FROM items")

page_sql() { # first last: the page transactions of pages first..last
  local n
  for n in $(seq "$1" "$2"); do
    echo "BEGIN; COPY t FROM '$files/page$n.bin' (FORMAT binary); SET LOCAL synchronous_commit TO off; COMMIT;"
  done
}

run_method() {
  local method=$1 t0 t1 c0 half=$((pages / 2 - 1))
  tgt load -q -c "DROP TABLE IF EXISTS t" -c "CREATE TABLE t (LIKE items)" >/dev/null
  [ "$method" = two-streams-pk-after ] || tgt load -q -c "ALTER TABLE t ADD PRIMARY KEY (order_id, line_no)"
  tgt load -q -c CHECKPOINT
  cluster_ticks "$work/target"
  c0=$ticks
  t0=$(now)
  case $method in
    one) tgt load -q -c "BEGIN" -c "COPY t FROM '$files/all.bin' (FORMAT binary)" -c "COMMIT" ;;
    pages) page_sql 0 $((pages - 1)) | tgt load -q ;;
    two-streams*)
      page_sql 0 "$half" | tgt load -q &
      page_sql $((half + 1)) $((pages - 1)) | tgt load -q &
      wait
      if [ "$method" = two-streams-pk-after ]; then
        tgt load -q -c "SET max_parallel_maintenance_workers = 0" -c "ALTER TABLE t ADD PRIMARY KEY (order_id, line_no)"
      fi
      ;;
  esac
  t1=$(now)
  sleep 0.5 # the postmaster reaps the sessions' backends (their CPU is then in its children's time)
  cluster_ticks "$work/target"
  local count
  count=$(tgt load -Atc "SELECT count(*) FROM t")
  [ "$count" = "$loaded" ] || { log "$method loaded $count of $loaded rows"; exit 1; }
  awk -v a="$c0" -v b="$ticks" -v hz="$(getconf CLK_TCK)" -v s="$(seconds "$t0" "$t1")" -v m="$method" \
    'BEGIN { printf "%s %.2f %s\n", m, (b - a) / hz, s }'
}

results=()
for round in $(seq "$rounds"); do
  for method in "${methods[@]}"; do
    line=$(run_method "$method")
    log "round $round: $line (cpu s, wall s)"
    results+=("$line")
  done
done

report="$(bench_environment).
Only the target cluster works; $loaded rows, $rounds alternating rounds.

| method | target CPU s (median, range) | wall s (median, range) |
|---|---|---|
$(for m in "${methods[@]}"; do
  printf '%s\n' "${results[@]}" | awk -v m="$m" '$1 == m { c[++n] = $2; w[n] = $3 }
    function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END { lo = c[1]; hi = c[1]; wl = w[1]; wh = w[1]
      for (i = 1; i <= n; i++) { if (c[i] < lo) lo = c[i]; if (c[i] > hi) hi = c[i]; if (w[i] < wl) wl = w[i]; if (w[i] > wh) wh = w[i] }
      printf "| %s | %.2f (%.2f–%.2f) | %.2f (%.2f–%.2f) |\n", m, med(c, n), lo, hi, med(w, n), wl, wh }'
done)"
echo "$report"
bench_append "Target load results" "${RESULTS_FILE:-$here/RESULTS.md}" "## $(date -u '+%Y-%m-%d %H:%M UTC') — \`ROUNDS=$rounds ROWS=$rows bench/target-load/run.sh\`

$report"
