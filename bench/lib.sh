# shellcheck shell=bash
# What the benchmarks under bench/ share; sourced after `set -euo pipefail` with $root set to the repository root
# (and $bench_tag to the log prefix):
#   bench_init NAME          a work directory and the clean-up on exit (server, clusters, work directory unless
#                            BENCH_KEEP=1; a script's own bench_cleanup_extra runs first when it defines one)
#   bench_start_clusters [SETTING...]  throwaway source and target PostgreSQL clusters with durable settings (fsync,
#                            synchronous_commit, full_page_writes on), plus SETTINGs (name=value); src/tgt run psql on them
#   proc_ticks PID 0|1       CPU ticks of a process into $ticks (1: with its reaped children's)
#   cluster_ticks DIR        CPU ticks of the cluster in DIR into $ticks: postmaster, reaped and live children
#   cluster_cpu DIR          the same in seconds, printed
#   now / seconds A B        wall clock, and B - A with two decimals
#   cpu_seconds PID          user + system CPU time the process has used so far
#   bench_sample_start FILE PID...   the largest RSS (kB) of the processes every 200 ms into FILE
#   bench_sample_stop FILE           stops the sampler; the peak is in $sample_peak (not a command substitution:
#                                    the sampler's pid must be forgotten in this shell)
#   bench_run_cli LOG ARGS...        the CLI's `run` against the started server, measured: sets run_code,
#                                    run_seconds, run_idle_kb, run_peak_kb and run_cpu_s, then stops the server
#   bench_copy_phase DB              first table started → last completed, from the target's control schema
#   bench_environment        "PostgreSQL V ..., N cores, load average at the start ..., commit C" for a report
#   bench_append TITLE FILE TEXT     appends TEXT to a results file (created with TITLE)

# shellcheck source=scripts/services.sh
source "$root/scripts/services.sh"
# shellcheck source=scripts/server.sh
source "$root/scripts/server.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '\033[1;33m[%s]\033[0m %s\n' "${bench_tag:-bench}" "$*" >&2; }

now() { echo "${EPOCHREALTIME/,/.}"; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}

sampler_pid=""
build_pid=""

bench_init() {
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  work=$(mktemp -d "${TMPDIR:-/tmp}/migration-$1.XXXXXX")
  chmod 755 "$work" # the clusters run as the postgres user when we are root
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# shellcheck disable=SC2317 # invoked by the trap
bench_cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2>/dev/null || true; fi
  if [ -n "$build_pid" ]; then kill "$build_pid" 2>/dev/null || true; fi
  if declare -F bench_cleanup_extra >/dev/null; then bench_cleanup_extra || true; fi
  srv_stop
  svc_stop_postgres "$work/source"
  svc_stop_postgres "$work/target"
  if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
  exit "$code"
}

# shellcheck disable=SC2120 # settings are optional
bench_start_clusters() {
  local durable=(fsync=on synchronous_commit=on full_page_writes=on shared_buffers=256MB max_wal_size=4GB "$@")
  src_pw="bench-src-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
  tgt_pw="bench-tgt-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
  src_port=$(svc_free_port)
  svc_start_postgres "$work/source" "$src_port" "$src_pw" "${durable[@]}"
  tgt_port=$(svc_free_port)
  while [ "$tgt_port" = "$src_port" ]; do tgt_port=$(svc_free_port); done
  svc_start_postgres "$work/target" "$tgt_port" "$tgt_pw" "${durable[@]}"
}

# CPU ticks (user + system) of a process into $ticks, with its reaped children's when $2 is 1. Bash only, no
# subshell, so that the sampler below keeps its 100 ms on a busy machine.
proc_ticks() {
  local stat
  ticks=0
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 0 # gone: a backend that just exited
  # shellcheck disable=SC2086 # the fields after "pid (comm) "
  set -- ${stat##*) } "$2"
  if [ "${!#}" = 1 ]; then ticks=$((${12} + ${13} + ${14} + ${15})); else ticks=$((${12} + ${13})); fi
}

# CPU ticks a cluster has used into $ticks: its postmaster, the children it reaped, its live children.
cluster_ticks() {
  local pm kids kid total
  ticks=0
  { read -r pm <"$1/postmaster.pid"; } 2>/dev/null || return 0
  proc_ticks "$pm" 1
  total=$ticks
  kids=()
  { read -r -a kids <"/proc/$pm/task/$pm/children"; } 2>/dev/null || true # one line without a newline: read "fails"
  for kid in "${kids[@]}"; do
    proc_ticks "$kid" 0
    total=$((total + ticks))
  done
  ticks=$total
}
cluster_cpu() {
  cluster_ticks "$1"
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

src() { PGOPTIONS='-c client_min_messages=warning' svc_psql "$src_port" "$src_pw" "$@"; }
tgt() { PGOPTIONS='-c client_min_messages=warning' svc_psql "$tgt_port" "$tgt_pw" "$@"; }

bench_sample_start() {
  local file=$1
  shift
  : >"$file"
  (while true; do
    for pid in "$@"; do srv_rss_kb "$pid"; done | sort -n | tail -n 1
    sleep 0.2
  done) >>"$file" &
  sampler_pid=$!
}

bench_sample_stop() {
  kill "$sampler_pid" 2>/dev/null || true
  wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=""
  sample_peak=$(sort -n "$1" | tail -n 1)
}

bench_run_cli() {
  local log=$1 t0 cpu0
  shift
  run_idle_kb=$(srv_rss_kb "$SRV_PID")
  cpu0=$(cpu_seconds "$SRV_PID")
  bench_sample_start "$log.rss" "$SRV_PID"
  t0=$(now)
  set +e
  srv_cli run --server "$SRV_URL" --yes --no-color "$@" >"$log" 2>&1
  run_code=$?
  set -e
  run_seconds=$(seconds "$t0" "$(now)")
  srv_rss_kb "$SRV_PID" >>"$log.rss"
  bench_sample_stop "$log.rss"
  run_peak_kb=$sample_peak
  run_cpu_s=$(awk -v a="$cpu0" -v b="$(cpu_seconds "$SRV_PID")" 'BEGIN { printf "%.1f", b - a }')
  srv_stop
}

bench_copy_phase() {
  tgt "$1" -Atc "SELECT coalesce(round(extract(epoch FROM max(completed_at) - min(started_at))::numeric, 2)::text, '-')
                 FROM migration_control.migration_control" 2>/dev/null || echo -
}

bench_environment() {
  local pg_version commit
  pg_version=$("$(svc_pg_bin)/postgres" --version | awk '{print $3}')
  commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
  git -C "$root" diff --quiet HEAD -- src clients 2>/dev/null || commit="$commit+changes"
  echo "PostgreSQL $pg_version source and target on loopback (fsync, synchronous_commit, full_page_writes on), $(nproc) cores,
load average at the start $load_before, commit $commit"
}

bench_append() {
  local title=$1 file=$2 text=$3
  if [ ! -f "$file" ]; then
    printf '# %s\n\nAppended by the script of this folder; compare ratios within one run (the machines are shared).\n' "$title" >"$file"
  fi
  printf '\n%s\n' "$text" >>"$file"
  log "appended to $file"
}
