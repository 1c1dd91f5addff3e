#!/usr/bin/env bash
# Fault injection, long version: kill -9 of the server at N random points across discovery, execution (mid-page and
# between pages, two key ranges side by side) and validation; each time the server is restarted on the same data
# directory, the migration resumes by itself, and the target is compared with the source (checksums, rows lost,
# rows duplicated). Prints one line per point and the summary table.
#
#   bench/faults/run.sh [POINTS] [SEED]        (default 10 points, a random seed; the seed replays a sequence)
#
# Uses MIGRATION_TEST_POSTGRES / MIGRATION_TEST_REDIS when set; otherwise starts a private PostgreSQL cluster and
# Redis (scripts/services.sh) and stops them afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
points=${1:-10}
seed=${2:-$RANDOM}
source "$root/scripts/services.sh"

work=$(mktemp -d /tmp/migration-faults.XXXXXX)
started_pg="" started_redis=""
cleanup() {
  [ -n "$started_pg" ] && svc_stop_postgres "$work/pg"
  [ -n "$started_redis" ] && svc_stop_redis "$work/redis"
  rm -rf "$work"
}
trap cleanup EXIT

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
export MIGRATION_FAULT_POINTS=$points MIGRATION_FAULT_SEED=$seed MIGRATION_FAULT_REPORT=$report
echo "kill -9 at $points random points (seed $seed)" >&2
set +e
dotnet test "$root/tests/Migration.Resilience.Tests" --filter "FullyQualifiedName~KillNineTests" --logger "console;verbosity=minimal" >"$work/test.log" 2>&1
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
exit "$status"
