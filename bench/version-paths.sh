#!/usr/bin/env bash
# Speed of the three ways a snapshot value reaches a target, for one newer -> older pair, side by side with a native
# replica's full sync of the same source in the same run:
#   fast path      RESTORE with the source's own payload (Redis 8.0 -> Redis 8.0)
#   re-labelled    RESTORE with the payload labelled with the target's older RDB version (Redis 8.0 -> Redis 7.0)
#   decoding path  the value rewritten as commands (SET / HSET …): listpack hashes into Redis 6.0 (RDB 9 has no
#                  listpacks), strings into Redis 7.0 with --big-key-threshold 1 (which sends every value that way)
#
#   bench/version-paths.sh            # needs ../shared/servers/install.sh's versions in $REDIS_MATRIX
#   STRINGS=1000000 HASHES=300000 RUNS=3 bench/version-paths.sh
#
# Knobs: STRINGS=500000 (DEBUG POPULATE, 64-byte values), HASHES=200000 (5 fields each: listpack), RUNS=1 (median
# reported), REDIS_MATRIX (default ~/.cache/redis-matrix), DOC=yes|no (write the section into docs/benchmarks.md).
# Exits non-zero when a copy fails, ends with a different key count, or takes a path other than the one named.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
STRINGS="${STRINGS:-500000}"
HASHES="${HASHES:-200000}"
RUNS="${RUNS:-1}"
DOC="${DOC:-yes}"
MATRIX="${REDIS_MATRIX:-$HOME/.cache/redis-matrix}"
CMDLINE="$(for v in STRINGS HASHES RUNS; do [[ -n "${!v:-}" ]] && printf '%s=%q ' "$v" "${!v}"; done; echo "bench/version-paths.sh")"
for v in redis-6.0 redis-7.0 redis-8.0; do
  [[ -x "$MATRIX/$v/bin/redis-server" ]] || { echo "version-paths: $MATRIX/$v missing: run ../shared/servers/install.sh $MATRIX" >&2; exit 2; }
done
[[ -f "$ROOT/job/target/redis-migrate-job.jar" ]] || { echo "version-paths: build first: mvn -B -q -DskipTests package" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/version-paths.XXXXXX")"
PIDS=()
cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ $rc -ne 0 ]]; then echo "version-paths: temp dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
BENCH=version-paths
REDIS_CLI="$MATRIX/redis-8.0/bin/redis-cli"
REDIS_SERVER=unused
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# start VERSION NAME -> REDIS_PORT, REDIS_PID (Redis 6.0 has no enable-debug-command option and allows DEBUG)
start() {
  local version=$1 name=$2 dir="$WORK/$2" debug=(--enable-debug-command yes)
  [[ $version == redis-6.0 ]] && debug=()
  mkdir -p "$dir"
  REDIS_PORT=$(free_port)
  "$MATRIX/$version/bin/redis-server" --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
    "${debug[@]}" --repl-diskless-sync-delay 0 --logfile "$dir/redis.log" &
  REDIS_PID=$!
  PIDS+=("$REDIS_PID")
  for _ in $(seq 100); do
    [[ "$(cli "$REDIS_PORT" PING 2>/dev/null)" == PONG ]] && return
    sleep 0.05
  done
  die "$name ($version) did not start: $(tail -3 "$dir/redis.log")"
}
keys() { cli "$1" DBSIZE; }
median() { tr ' ' '\n' | awk 'NF' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

native() {  # source_port -> seconds
  start redis-8.0 "native-$RANDOM"
  local dst=$REDIS_PORT pid=$REDIS_PID t0 n
  n=$(keys "$1")
  t0=$(now)
  cli "$dst" REPLICAOF 127.0.0.1 "$1" >/dev/null
  while :; do
    inf=$(cli "$dst" INFO replication | tr -d '\r')
    grep -q '^master_sync_in_progress:0' <<<"$inf" && grep -q '^master_link_status:up' <<<"$inf" \
      && [[ "$(keys "$dst")" == "$n" ]] && break
    sleep 0.02
  done
  elapsed "$t0" "$(now)"
  stop_redis "$dst" "$pid"
}

ours() {  # source_port target_version expected_path [options] -> seconds
  local src=$1 version=$2 path=$3; shift 3
  start "$version" "target-$RANDOM"
  local dst=$REDIS_PORT pid=$REDIS_PID t0 t1 out="$WORK/job-$RANDOM.log" line restored relabelled decoded
  t0=$(now)
  "$ROOT/bin/redis-migrate" run --source "redis://127.0.0.1:$src" --target "redis://127.0.0.1:$dst" --mode full \
    --checkpoint-dir "$WORK/cp" --savepoint-dir "$WORK/sp" "$@" >"$out" 2>&1 || die "job failed: $(tail -3 "$out")"
  t1=$(now)
  [[ "$(keys "$dst")" == "$(keys "$src")" ]] || die "target has $(keys "$dst") keys, source $(keys "$src")"
  line=$(grep -o 'snapshot parsed:.*' "$out" | head -1)
  restored=$(sed -E 's/.* ([0-9]+) keys as RESTORE.*/\1/' <<<"$line")
  relabelled=$(sed -E 's/.*RESTORE \(([0-9]+) re-labelled.*/\1/' <<<"$line")
  decoded=$(sed -E 's/.* ([0-9]+) decoded into commands.*/\1/' <<<"$line")
  case "$path" in
    fast) (( restored > 0 && relabelled == 0 && decoded == 0 )) ;;
    relabelled) (( relabelled > 0 && relabelled == restored && decoded == 0 )) ;;
    decoded) (( decoded > 0 && restored == 0 )) ;;
  esac || die "expected the $path path, the job said: $line"
  elapsed "$t0" "$t1"
  stop_redis "$dst" "$pid"
}

log "work dir $WORK"
start redis-8.0 strings; S=$REDIS_PORT
cli "$S" DEBUG POPULATE "$STRINGS" key 64 >/dev/null
start redis-8.0 hashes; H=$REDIS_PORT
awk -v n="$HASHES" 'BEGIN { for (k = 0; k < n; k++) printf "HSET hash:%d f1 value-%d f2 %d f3 x f4 y f5 z\n", k, k, k }' \
  | cli "$H" --pipe >/dev/null
log "sources: $(keys "$S") strings, $(keys "$H") hashes (Redis 8.0)"

declare -A T
for run in $(seq "$RUNS"); do
  T[s-native]+="$(native "$S") "
  T[s-fast]+="$(ours "$S" redis-8.0 fast) "
  T[s-relabel]+="$(ours "$S" redis-7.0 relabelled) "
  T[s-decode]+="$(ours "$S" redis-7.0 decoded --big-key-threshold 1) "
  T[h-native]+="$(native "$H") "
  T[h-fast]+="$(ours "$H" redis-8.0 fast) "
  T[h-relabel]+="$(ours "$H" redis-7.0 relabelled) "
  T[h-decode]+="$(ours "$H" redis-6.0 decoded) "
  log "run $run done"
done

row() {  # label keys key-prefix target path-note
  local n=$2 p=$3 nat fast rel dec
  nat=$(median <<<"${T[$p-native]}"); fast=$(median <<<"${T[$p-fast]}")
  rel=$(median <<<"${T[$p-relabel]}"); dec=$(median <<<"${T[$p-decode]}")
  rate() { awk -v n="$n" -v s="$1" 'BEGIN{printf "%.0f k/s", n/s/1000}'; }
  printf '| %s | %s s | %s s (%s) | %s s (%s) | %s s (%s) %s |\n' "$1" "$nat" "$fast" "$(rate "$fast")" \
    "$rel" "$(rate "$rel")" "$dec" "$(rate "$dec")" "$4"
}
TABLE=$(cat <<EOF
| data (source Redis 8.0) | native replica (8.0) | fast path (-> 8.0) | re-labelled (-> 7.0) | decoding path |
|---|---:|---:|---:|---:|
$(row "$STRINGS small strings" "$STRINGS" s "(-> 7.0, --big-key-threshold 1: SET)")
$(row "$HASHES listpack hashes, 5 fields" "$HASHES" h "(-> 6.0: HSET)")
EOF
)
echo "$TABLE"
if [[ "$DOC" == yes ]]; then
  write_doc_section "$ROOT/docs/benchmarks.md" version-paths "<!-- begin: version-paths -->
## Fast, re-labelled and decoding paths (newer -> older)

\`$CMDLINE\` on $(nproc) cores, $(date -u +%Y-%m-%d), median of $RUNS; times are command start to exit
(start-up included), keys/s over that time. Each copy is checked: same key count, and the job's own count of
keys per path proves which path ran.

$TABLE
<!-- end: version-paths -->"
fi
