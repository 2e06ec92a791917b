#!/usr/bin/env bash
# Incremental benchmark: throughput and lag of redis-migrate's stream phase against a native replica, same source,
# same load, same run.
#
#   bench/incremental.sh                     # phase A: redis-benchmark -P 16 ~25 s; phase B: half that rate, 30 s
#   SECONDS_A=20 SECONDS_B=20 bench/incremental.sh
#
# One source (`--save '' --repl-diskless-sync-delay 0`), a native replica (REPLICAOF) and an empty target for
# `bin/redis-migrate run --source … --target … --web-ui-port 0 --checkpoint-interval 10s` (full+incremental). Once the
# job is in the stream phase, a sampler reads every SAMPLE_MS, over persistent connections: the source's
# master_repl_offset, the replica's slave_repl_offset, the target's fence `__redis_migrate:fence:127.0.0.1:<src>` (the
# offset the job applied) and the SET/INCR/LPUSH/HSET calls of each (INFO commandstats; on the target minus one fence
# SET per EXEC). Then:
#   A  max rate: `redis-benchmark -t set,incr,lpush,hset -P 16 -r 100000 -n N` (N calibrated for ~SECONDS_A s)
#   B  half of A's rate that the native replica sustained (min of source rate and replica apply rate), written by a
#      rate-limited loader (bench/incremental-probe.py load: chunks every 10 ms, the same commands and key shapes,
#      interleaved) for SECONDS_B s.
# For each phase: source write rate, native and job apply rates, lag in bytes, time-based lag in ms (for each sample:
# how long ago the source reached the offset the copy has applied; source offsets interpolated between samples),
# catch-up time after the load ends, CPU of source/replica/target/job/JVM threads and of the *other* processes.
# At the end the job is stopped with SIGTERM (savepoint), `__redis_migrate:*` keys are deleted on target and source,
# and DEBUG DIGEST of source, target and native replica must be equal, otherwise the script fails loudly.
#
# Knobs (environment):
#   SECONDS_A=25        target duration of phase A (N = calibrated redis-benchmark rate × SECONDS_A / 4 per test)
#   N=                  requests per test in phase A (overrides the calibration)
#   SECONDS_B=30        duration of phase B
#   RATE_B=             commands/s of phase B (default: half of the rate the native replica sustained in phase A)
#   PIPELINE=16         redis-benchmark -P in phase A
#   WARMUP=10           seconds of paced load (20,000 commands/s) before phase A, not measured: JIT warm-up of the job
#   PRELOAD=100000      strings in the source before the job starts (DEBUG POPULATE, 64-byte values)
#   SAMPLE_MS=100       sampling interval
#   CATCHUP_MAX=300     seconds to wait for both copies to have the marker key written when a load ended
#   PROFILE=yes|no      also `jcmd <pid> Thread.print` every 4 s during phase A (bench/results/incremental-threads.txt)
#   JAVA_OPTS=...       passed through to the JVM of bin/redis-migrate (-Djava.io.tmpdir is set to the bench dir)
#   DOC=yes|no          write the result section into docs/benchmarks.md
#   KEEP=no|yes         keep the temp dir (redis logs, job log, samples)
#   REDIS_SERVER, REDIS_CLI, REDIS_BENCHMARK   binaries (default: from PATH)
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
SECONDS_A="${SECONDS_A:-25}"
N="${N:-}"
SECONDS_B="${SECONDS_B:-30}"
RATE_B="${RATE_B:-}"
PIPELINE="${PIPELINE:-16}"
WARMUP="${WARMUP:-10}"
PRELOAD="${PRELOAD:-100000}"
SAMPLE_MS="${SAMPLE_MS:-100}"
CATCHUP_MAX="${CATCHUP_MAX:-300}"
PROFILE="${PROFILE:-yes}"
DOC="${DOC:-yes}"
KEEP="${KEEP:-no}"
REDIS_SERVER="${REDIS_SERVER:-redis-server}"
REDIS_CLI="${REDIS_CLI:-redis-cli}"
REDIS_BENCHMARK="${REDIS_BENCHMARK:-redis-benchmark}"
CMDLINE="$(for v in SECONDS_A N SECONDS_B RATE_B PIPELINE WARMUP PRELOAD SAMPLE_MS JAVA_OPTS PROFILE; do [[ -n "${!v:-}" ]] && printf '%s=%q ' "$v" "${!v}"; done; echo "bench/incremental.sh")"
PROBE="$ROOT/bench/incremental-probe.py"

[[ "$WARMUP" =~ ^[0-9]+$ ]] || { echo "WARMUP: a number" >&2; exit 2; }
for v in SECONDS_A SECONDS_B PIPELINE PRELOAD SAMPLE_MS CATCHUP_MAX; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "$v: a positive number" >&2; exit 2; }
done
[[ -z "$N" || "$N" =~ ^[1-9][0-9]*$ ]] && [[ -z "$RATE_B" || "$RATE_B" =~ ^[1-9][0-9]*$ ]] || {
  echo "N, RATE_B: numbers" >&2; exit 2; }

JAR="$ROOT/job/target/redis-migrate-job.jar"
[[ -f "$JAR" && -f "$ROOT/job/target/classpath.txt" ]] || {
  echo "incremental: build first: (cd $ROOT && mvn -B -q -o install -DskipTests)" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/incremental.XXXXXX")"
PIDS=()
cleanup() {
  local rc=$?
  touch "$WORK/stop-sampler" 2>/dev/null || true
  for p in "${PIDS[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ "$KEEP" == yes || $rc -ne 0 ]]; then echo "incremental: temp dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BENCH=incremental
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# --- CPU accounting per phase -------------------------------------------------------------------------------------
# cpu_snap FILE: "<key> <ticks>" for every process (pid:comm) and every JVM thread (thr:name), plus the machine's busy
# ticks; cpu_report A B SECONDS: CPU % (of one core) per role during the phase, the top JVM threads and the top other
# processes.
cpu_snap() {
  {
    awk '/^cpu /{print "machine", $2+$3+$4+$7+$8+$9}' /proc/stat
    # this script's waited-for children (redis-benchmark, the phase B loader), which are gone by the end of a phase
    awk '{ i = match($0, /\) [A-Z] /); split(substr($0, i + 2), f, " "); print "self", f[14] + f[15] }' "/proc/$$/stat"
    # shellcheck disable=SC2046
    awk '{ i = match($0, /\) [A-Z] /); comm = substr($0, index($0, "(") + 1, i - index($0, "(") - 1); gsub(/ /, "_", comm)
           split(substr($0, i + 2), f, " "); split(FILENAME, q, "/")
           if (FILENAME ~ /\/task\//) print "thr:" comm, f[12] + f[13]
           else print "pid:" q[3] ":" comm, f[12] + f[13] }' \
      /proc/[0-9]*/stat ${JOB_PID:+/proc/$JOB_PID/task/*/stat} 2>/dev/null || true
  } > "$1"
}
cpu_report() {  # before after seconds -> lines "role pct" and "thread pct name" and "other pct name"
  awk -v hz="$(getconf CLK_TCK)" -v secs="$3" -v src="$SRC_PID" -v rep="$REP_PID" -v tgt="$TGT_PID" -v job="${JOB_PID:-x}" \
      -v sampler="${SAMPLER_PID:-x}" '
    FNR == NR { a[$1] = $2; next }
    { d = $2 - ($1 in a ? a[$1] : 0); if (d < 0) d = 0; pct = 100 * d / hz / secs
      if ($1 == "machine") { machine = pct; next }
      if ($1 == "self") { role["loader"] += pct; next }
      if ($1 ~ /^thr:/) { t[substr($1, 5)] += pct; next }
      split($1, p, ":"); pid = p[2]
      if (pid == src) role["source"] += pct
      else if (pid == rep) role["replica"] += pct
      else if (pid == tgt) role["target"] += pct
      else if (pid == job) role["job"] += pct
      else if (pid == sampler) role["loader"] += pct
      else if (pct > 0) other[p[3]] += pct }
    END {
      ours = role["source"] + role["replica"] + role["target"] + role["job"] + role["loader"]
      printf "role source %.0f\nrole replica %.0f\nrole target %.0f\nrole job %.0f\nrole loader %.0f\n",
        role["source"], role["replica"], role["target"], role["job"], role["loader"]
      o = machine - ours; if (o < 0) o = 0
      printf "role others %.0f\nrole machine %.0f\n", o, machine
      n = 0; for (k in t) ks[++n] = k
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (t[ks[j]] > t[ks[i]]) { x = ks[i]; ks[i] = ks[j]; ks[j] = x }
      for (i = 1; i <= n && i <= 8; i++) if (t[ks[i]] >= 0.5) printf "thread %.0f %s\n", t[ks[i]], ks[i]
      n = 0; for (k in other) os[++n] = k
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (other[os[j]] > other[os[i]]) { x = os[i]; os[i] = os[j]; os[j] = x }
      for (i = 1; i <= n && i <= 5; i++) if (other[os[i]] >= 1) printf "other %.0f %s\n", other[os[i]], os[i]
    }' "$1" "$2"
}
role_pct() { awk -v r="$2" '$1 == "role" && $2 == r {print $3}' "$1"; }
threads_line() { awk '$1 == "thread" {printf "%s%s %s %%", sep, $3, $2; sep = ", "}' "$1"; }
others_line() { awk '$1 == "other" {printf "%s%s %s %%", sep, $3, $2; sep = ", "}' "$1"; }
load_avg() { awk '{print $1 ", " $2 ", " $3}' /proc/loadavg; }

# --- samples ------------------------------------------------------------------------------------------------------
SAMPLES="$WORK/samples.txt"
# apply_rate T0 T1 COL: writes/s between the first sample at or after T0 and the last at or before T1 (COL 3/6/9 =
# source/replica/target writes; time column COL-2)
apply_rate() {
  awk -v t0="$1" -v t1="$2" -v c="$3" '
    { t = $(c - 2) } t >= t0 && !s { s = 1; ta = t; wa = $c } t <= t1 { tb = t; wb = $c }
    END { printf "%.0f", (tb > ta) ? (wb - wa) / (tb - ta) : 0 }' "$SAMPLES"
}
writes_between() {  # T0 T1 COL -> writes counted between the samples nearest T0 and T1
  awk -v t0="$1" -v t1="$2" -v c="$3" '{ t = $(c - 2) } t >= t0 && !s { s = 1; wa = $c } t <= t1 { wb = $c } END { print wb - wa }' "$SAMPLES"
}
# max lag in bytes (source offset − applied) of COL (5 = replica, 8 = fence) for samples in [T0, T1]
max_lag_bytes() { awk -v t0="$1" -v t1="$2" -v c="$3" '$1 >= t0 && $1 <= t1 && $c >= 0 { l = $2 - $c; if (l > m) m = l } END { print m + 0 }' "$SAMPLES"; }
lag_ms() { python3 "$PROBE" lag "$SAMPLES" "$1" "$2" "$3"; }  # T0 T1 rep|job -> "n p50 p90 p99 max"

# wait_caught_up T_END LABEL: writes a marker key on the source (right after a load ended at T_END) and waits until
# both copies have it, i.e. applied everything written before it; sets CU_REP and CU_JOB to the seconds from T_END
# until each had it ("" if not within CATCHUP_MAX). A marker and not an offset: the job never writes the offsets of
# its own heartbeats or of the source's PINGs into the fence, so the fence can stay a few bytes behind forever.
wait_caught_up() {
  local t_end=$1 v deadline
  v="$2-$(date +%s%N)"
  cli "$SRC" SET ibench:mark "$v" >/dev/null
  CU_REP="" CU_JOB=""
  deadline=$(( $(date +%s) + CATCHUP_MAX ))
  while [[ -z "$CU_REP" || -z "$CU_JOB" ]]; do
    [[ -n "$CU_REP" || "$(cli "$REP" GET ibench:mark)" != "$v" ]] || CU_REP=$(elapsed "$t_end" "$(now)")
    [[ -n "$CU_JOB" || "$(cli "$TGT" GET ibench:mark)" != "$v" ]] || CU_JOB=$(elapsed "$t_end" "$(now)")
    (( $(date +%s) < deadline )) || { log "$2: not caught up within $CATCHUP_MAX s (native ${CU_REP:-no}, job ${CU_JOB:-no})"; return 1; }
    kill -0 "$JOB_PID" 2>/dev/null || die "$2: the job exited: $(tail -20 "$WORK/job.log")"
    sleep 0.02
  done
}

# --- setup --------------------------------------------------------------------------------------------------------
log "work dir $WORK"
UPTIME_START=$(uptime)
log "machine: $UPTIME_START"
start_redis source --repl-diskless-sync-delay 0 --repl-backlog-size 256mb
SRC=$REDIS_PORT SRC_PID=$REDIS_PID
start_redis native
REP=$REDIS_PORT REP_PID=$REDIS_PID
start_redis target
TGT=$REDIS_PORT TGT_PID=$REDIS_PID
log "source 127.0.0.1:$SRC (pid $SRC_PID), native replica 127.0.0.1:$REP (pid $REP_PID), target 127.0.0.1:$TGT (pid $TGT_PID)"

cli "$SRC" DEBUG POPULATE "$PRELOAD" key 64 >/dev/null
cli "$REP" REPLICAOF 127.0.0.1 "$SRC" >/dev/null
for i in $(seq 600); do
  [[ "$(info_field "$REP" replication master_link_status)" == up ]] && break
  sleep 0.1
done
[[ "$(info_field "$REP" replication master_link_status)" == up ]] || die "native replica did not sync"

BENCH=("$REDIS_BENCHMARK" -h 127.0.0.1 -p "$SRC" -t set,incr,lpush,hset -P "$PIPELINE" -r 100000 --csv)
if [[ -z "$N" ]]; then
  "${BENCH[@]}" -n 50000 > "$WORK/calibrate.csv"
  CAL=$(awk -F'"' 'NR > 1 && $4 > 0 { s += 1 / $4; n++ } END { printf "%.0f", n / s }' "$WORK/calibrate.csv")
  N=$(awk -v r="$CAL" -v s="$SECONDS_A" 'BEGIN { n = r * s / 4; n = int(n / 10000 + 0.5) * 10000; print (n < 10000) ? 10000 : n }')
  log "calibration: redis-benchmark $CAL req/s (harmonic mean of the 4 tests, native replica attached) -> N=$N"
fi

# --- the job ------------------------------------------------------------------------------------------------------
mkdir -p "$WORK/jtmp" "$ROOT/bench/results"
export JAVA_OPTS="-Djava.io.tmpdir=$WORK/jtmp ${JAVA_OPTS:-}"
FENCE="__redis_migrate:fence:127.0.0.1:$SRC"
JOB_CMD=(bin/redis-migrate run --source "redis://127.0.0.1:$SRC" --target "redis://127.0.0.1:$TGT" --web-ui-port 0
  --checkpoint-interval 10s)
(cd "$ROOT" && exec "${JOB_CMD[@]}") > "$WORK/job.log" 2>&1 &
JOB_PID=$!
PIDS+=("$JOB_PID")
T_JOB=$(now)
log "job started (pid $JOB_PID): ${JOB_CMD[*]}"
deadline=$(( $(date +%s) + 300 ))
until grep -q ' stream: ' "$WORK/job.log"; do
  kill -0 "$JOB_PID" 2>/dev/null || die "the job exited: $(tail -20 "$WORK/job.log")"
  (( $(date +%s) < deadline )) || die "the job did not reach the stream phase within 300 s: $(tail -20 "$WORK/job.log")"
  sleep 0.5
done
cli "$SRC" SET ibench:marker 1 >/dev/null   # the fence appears with the first stream batch
until [[ -n "$(cli "$TGT" GET "$FENCE")" ]]; do
  (( $(date +%s) < deadline )) || die "no fence $FENCE on the target"
  sleep 0.1
done
log "job in the stream phase after $(elapsed "$T_JOB" "$(now)") s: $(grep ' stream: ' "$WORK/job.log" | head -1)"

python3 "$PROBE" sample "$SAMPLES" "$SRC" "$REP" "$TGT" "$FENCE" "$SAMPLE_MS" "$WORK/stop-sampler" &
SAMPLER_PID=$!
PIDS+=("$SAMPLER_PID")
if (( WARMUP > 0 )); then
  log "warm-up: 20000 commands/s for $WARMUP s (not measured)"
  python3 "$PROBE" load "$SRC" 20000 "$WARMUP" 2 > "$WORK/warmup.txt" || die "warm-up loader: $(cat "$WORK/warmup.txt")"
  wait_caught_up "$(now)" warm-up || die "the job did not catch up after the warm-up"
fi
sleep 2

# --- phase A: redis-benchmark at full speed -----------------------------------------------------------------------
log "phase A: ${BENCH[*]} -n $N"
UPTIME_A=$(uptime)
if [[ "$PROFILE" == yes ]]; then
  (while kill -0 "$JOB_PID" 2>/dev/null && [[ ! -f "$WORK/stop-jcmd" ]]; do
     echo "=== $(date +%s.%N)"; jcmd "$JOB_PID" Thread.print 2>&1 || true; sleep 4
   done > "$WORK/threads.txt") &
  PIDS+=("$!")
fi
cpu_snap "$WORK/cpu-a0"
TA0=$(now)
"${BENCH[@]}" -n "$N" > "$WORK/phase-a.csv"
TA1=$(now)
cpu_snap "$WORK/cpu-a1"
touch "$WORK/stop-jcmd"
sleep "$(awk -v s="$SAMPLE_MS" 'BEGIN{print 2 * s / 1000}')"
cpu_report "$WORK/cpu-a0" "$WORK/cpu-a1" "$(elapsed "$TA0" "$TA1")" > "$WORK/cpu-a.txt"
LOAD_A=$(load_avg)
log "phase A: $(elapsed "$TA0" "$TA1") s, redis-benchmark: $(awk -F'"' 'NR > 1 {printf "%s %s/s  ", $2, $4}' "$WORK/phase-a.csv")"
wait_caught_up "$TA1" A || true
REP_CU_A=$CU_REP JOB_CU_A=$CU_JOB
TA2=$(now)

SRC_RATE_A=$(apply_rate "$TA0" "$TA1" 3); REP_RATE_A=$(apply_rate "$TA0" "$TA1" 6); JOB_RATE_A=$(apply_rate "$TA0" "$TA1" 9)
SRC_W_A=$(writes_between "$TA0" "$TA1" 3); REP_W_A=$(writes_between "$TA0" "$TA1" 6); JOB_W_A=$(writes_between "$TA0" "$TA1" 9)
REP_LAGB_A=$(max_lag_bytes "$TA0" "$TA1" 5); JOB_LAGB_A=$(max_lag_bytes "$TA0" "$TA1" 8)
read -r _ REP_P50_A _ REP_P99_A REP_MAX_A <<<"$(lag_ms "$TA0" "$TA1" rep)"
read -r _ JOB_P50_A _ JOB_P99_A JOB_MAX_A <<<"$(lag_ms "$TA0" "$TA1" job)"
JOB_AVG_A=$(awk -v w="$SRC_W_A" -v a="$(writes_between "$TA0" "$TA2" 9)" -v t0="$TA0" -v t2="$TA2" 'BEGIN{printf "%.0f", a / (t2 - t0)}')
log "phase A: source $SRC_RATE_A/s, native $REP_RATE_A/s, job $JOB_RATE_A/s; applied during the load: native $REP_W_A, job $JOB_W_A of $SRC_W_A"
log "phase A: max lag native $REP_LAGB_A B, job $JOB_LAGB_A B; lag ms p50/p99/max native $REP_P50_A/$REP_P99_A/$REP_MAX_A, job $JOB_P50_A/$JOB_P99_A/$JOB_MAX_A"
log "phase A: catch-up after the load: native ${REP_CU_A:-never} s, job ${JOB_CU_A:-never} s"
log "phase A CPU %: $(awk '$1=="role"{printf "%s %s  ", $2, $3}' "$WORK/cpu-a.txt")"
log "phase A JVM threads: $(threads_line "$WORK/cpu-a.txt")"
log "phase A other processes: $(others_line "$WORK/cpu-a.txt")"

# --- phase B: half of what the native replica sustained -----------------------------------------------------------
SUSTAINED_A=$(awk -v s="$SRC_RATE_A" -v r="$REP_RATE_A" 'BEGIN{print (r < s) ? r : s}')
[[ -n "$RATE_B" ]] || RATE_B=$(awk -v s="$SUSTAINED_A" 'BEGIN{printf "%.0f", s / 2}')
sleep 2
log "phase B: $RATE_B commands/s for $SECONDS_B s (bench/incremental-probe.py load)"
UPTIME_B=$(uptime)
cpu_snap "$WORK/cpu-b0"
TB0=$(now)
python3 "$PROBE" load "$SRC" "$RATE_B" "$SECONDS_B" 1 > "$WORK/phase-b.txt" || die "phase B loader: $(cat "$WORK/phase-b.txt")"
TB1=$(now)
cpu_snap "$WORK/cpu-b1"
sleep "$(awk -v s="$SAMPLE_MS" 'BEGIN{print 2 * s / 1000}')"
cpu_report "$WORK/cpu-b0" "$WORK/cpu-b1" "$(elapsed "$TB0" "$TB1")" > "$WORK/cpu-b.txt"
LOAD_B=$(load_avg)
log "phase B: loader: $(cat "$WORK/phase-b.txt")"
wait_caught_up "$TB1" B || true
REP_CU_B=$CU_REP JOB_CU_B=$CU_JOB

SRC_RATE_B=$(apply_rate "$TB0" "$TB1" 3); REP_RATE_B=$(apply_rate "$TB0" "$TB1" 6); JOB_RATE_B=$(apply_rate "$TB0" "$TB1" 9)
SRC_W_B=$(writes_between "$TB0" "$TB1" 3); REP_W_B=$(writes_between "$TB0" "$TB1" 6); JOB_W_B=$(writes_between "$TB0" "$TB1" 9)
REP_LAGB_B=$(max_lag_bytes "$TB0" "$TB1" 5); JOB_LAGB_B=$(max_lag_bytes "$TB0" "$TB1" 8)
# lag percentiles over the steady part: from 1 s after the start to the end of the load
read -r NS_B REP_P50_B _ REP_P99_B REP_MAX_B <<<"$(lag_ms "$(awk -v t="$TB0" 'BEGIN{printf "%.3f", t + 1}')" "$TB1" rep)"
read -r _ JOB_P50_B _ JOB_P99_B JOB_MAX_B <<<"$(lag_ms "$(awk -v t="$TB0" 'BEGIN{printf "%.3f", t + 1}')" "$TB1" job)"
log "phase B: source $SRC_RATE_B/s, native $REP_RATE_B/s, job $JOB_RATE_B/s"
log "phase B: max lag native $REP_LAGB_B B, job $JOB_LAGB_B B; lag ms p50/p99/max ($NS_B samples) native $REP_P50_B/$REP_P99_B/$REP_MAX_B, job $JOB_P50_B/$JOB_P99_B/$JOB_MAX_B"
log "phase B: catch-up: native ${REP_CU_B:-never} s, job ${JOB_CU_B:-never} s"
log "phase B CPU %: $(awk '$1=="role"{printf "%s %s  ", $2, $3}' "$WORK/cpu-b.txt")"
log "phase B JVM threads: $(threads_line "$WORK/cpu-b.txt")"
log "phase B other processes: $(others_line "$WORK/cpu-b.txt")"

# --- stop, clean up, compare --------------------------------------------------------------------------------------
touch "$WORK/stop-sampler"
cp "$SAMPLES" "$ROOT/bench/results/incremental-samples.txt"
if [[ -f "$WORK/threads.txt" ]]; then
  cp "$WORK/threads.txt" "$ROOT/bench/results/incremental-threads.txt"
  # where the pipeline's threads were in the phase A dumps: count, thread | state | first frame outside the JDK
  awk '/^=== /{n++} /^"/{ name = $0; sub(/^"/, "", name); sub(/".*/, "", name); want = (name ~ /^(Source: |redis-|Source Data Fetcher)/); st = ""; top = ""; next }
       want && /java.lang.Thread.State:/ { st = $2; next }
       want && /^\tat / && top == "" && $2 !~ /@/ { top = $2; sub(/\(.*/, "", top); k = name " | " st " | " top; c[k]++ }
       END { for (k in c) print c[k], k; printf "(%d dumps)\n", n }' "$WORK/threads.txt" \
    | sed -E 's/redis-(replication|heartbeat)-[^ |]+/redis-\1-<split>/; s/(redis-sink-replies|redis-migrate-replication) [^ |]+/\1 <node>/' \
    | sort -t'|' -k1,1 -s > "$ROOT/bench/results/incremental-threads-summary.txt"
  log "phase A thread dumps (count, thread | state | first frame outside the JDK):"
  sed 's/^/    /' "$ROOT/bench/results/incremental-threads-summary.txt" >&2
fi
log "stopping the job (SIGTERM -> savepoint)"
kill -TERM "$JOB_PID"
set +e; wait "$JOB_PID"; JOB_RC=$?; set -e
cp "$WORK/job.log" "$ROOT/bench/results/incremental-job.log"
[[ $JOB_RC -eq 0 ]] || die "the job exited $JOB_RC after SIGTERM: $(tail -20 "$WORK/job.log")"
grep -q 'resume with --from-savepoint' "$WORK/job.log" || die "no savepoint reported: $(tail -20 "$WORK/job.log")"
log "job: $(grep 'resume with --from-savepoint' "$WORK/job.log" | sed "s|$WORK|\$WORK|")"
cli "$TGT" --scan --pattern '__redis_migrate:*' | xargs -r "$REDIS_CLI" -h 127.0.0.1 -p "$TGT" UNLINK >/dev/null
cli "$SRC" --scan --pattern '__redis_migrate:*' | xargs -r "$REDIS_CLI" -h 127.0.0.1 -p "$SRC" UNLINK >/dev/null
for i in $(seq 300); do
  [[ "$(info_field "$REP" replication slave_repl_offset)" == "$(info_field "$SRC" replication master_repl_offset)" ]] && break
  sleep 0.1
done
D_SRC=$(cli "$SRC" DEBUG DIGEST); D_TGT=$(cli "$TGT" DEBUG DIGEST); D_REP=$(cli "$REP" DEBUG DIGEST)
K_SRC=$(cli "$SRC" DBSIZE); K_TGT=$(cli "$TGT" DBSIZE); K_REP=$(cli "$REP" DBSIZE)
log "digests: source $D_SRC ($K_SRC keys), target $D_TGT ($K_TGT keys), native replica $D_REP ($K_REP keys)"
[[ "$D_TGT" == "$D_SRC" ]] || die "target digest $D_TGT ($K_TGT keys) != source $D_SRC ($K_SRC keys)"
[[ "$D_REP" == "$D_SRC" ]] || die "native replica digest $D_REP != source $D_SRC"

# --- report -------------------------------------------------------------------------------------------------------
REDIS_V=$("$REDIS_SERVER" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')
JAVA_V=$(java -version 2>&1 | head -1 | sed 's/.*"\(.*\)".*/\1/')
MEM_G=$(free -g | awk '/^Mem:/{print $2}')
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
pct_of() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.0f %%", b ? 100 * a / b : 0}'; }
verdict() {  # catch-up seconds, writes applied during the load, writes of the source -> keeps up?
  # yes = applied ≥ 99 % of the source's writes while the load ran and level with the source ≤ 1 s after it ended
  awk -v c="$1" -v a="$2" -v w="$3" 'BEGIN{ f = w ? a / w : 0
    if (c == "") print "**no** (not caught up)"; else if (c + 0 <= 1 && f >= 0.99) printf "yes (%.0f %%)", 100 * f
    else printf "**no** (%.0f %%, catch-up %s s)", 100 * f, c }'
}
cu() { [[ -n "$1" ]] && echo "$1 s" || echo "> $CATCHUP_MAX s"; }
TABLE="| phase | source writes/s | native applies/s | job applies/s | lag p50 / p99 / max ms native | lag p50 / p99 / max ms job | max lag bytes native / job | catch-up native / job | keeps up native / job (applied during the load) |
|-------|----------------:|-----------------:|--------------:|------:|------:|------:|------:|------|
| A: redis-benchmark -P $PIPELINE, $(elapsed "$TA0" "$TA1") s | $SRC_RATE_A | $REP_RATE_A | $JOB_RATE_A | $REP_P50_A / $REP_P99_A / $REP_MAX_A | $JOB_P50_A / $JOB_P99_A / $JOB_MAX_A | $REP_LAGB_A / $JOB_LAGB_A | $(cu "$REP_CU_A") / $(cu "$JOB_CU_A") | $(verdict "$REP_CU_A" "$REP_W_A" "$SRC_W_A") / $(verdict "$JOB_CU_A" "$JOB_W_A" "$SRC_W_A") |
| B: $RATE_B/s paced, $(elapsed "$TB0" "$TB1") s | $SRC_RATE_B | $REP_RATE_B | $JOB_RATE_B | $REP_P50_B / $REP_P99_B / $REP_MAX_B | $JOB_P50_B / $JOB_P99_B / $JOB_MAX_B | $REP_LAGB_B / $JOB_LAGB_B | $(cu "$REP_CU_B") / $(cu "$JOB_CU_B") | $(verdict "$REP_CU_B" "$REP_W_B" "$SRC_W_B") / $(verdict "$JOB_CU_B" "$JOB_W_B" "$SRC_W_B") |

Phase A, writes applied while the load ran: native $(pct_of "$REP_W_A" "$SRC_W_A"), job $(pct_of "$JOB_W_A" "$SRC_W_A") of the
source's $SRC_W_A; the job's average from the start of the load until it had caught up: $JOB_AVG_A/s.
redis-benchmark per test (req/s): $(awk -F'"' 'NR > 1 {printf "%s%s %s", sep, $2, $4; sep = ", "}' "$WORK/phase-a.csv"). Phase B loader: $(cat "$WORK/phase-b.txt").

CPU during each load (% of one core, out of $(nproc) × 100 %; \"loader\" = redis-benchmark or the Python loader and
the sampler; \"others\" = everything else on the machine, i.e. the disturbance):

| phase | source | native replica | target | job JVM | loader | others | load average at the end | busiest other processes |
|-------|-------:|---------------:|-------:|--------:|-------:|-------:|------|------|
| A | $(role_pct "$WORK/cpu-a.txt" source) | $(role_pct "$WORK/cpu-a.txt" replica) | $(role_pct "$WORK/cpu-a.txt" target) | $(role_pct "$WORK/cpu-a.txt" job) | $(role_pct "$WORK/cpu-a.txt" loader) | $(role_pct "$WORK/cpu-a.txt" others) | $LOAD_A | $(others_line "$WORK/cpu-a.txt") |
| B | $(role_pct "$WORK/cpu-b.txt" source) | $(role_pct "$WORK/cpu-b.txt" replica) | $(role_pct "$WORK/cpu-b.txt" target) | $(role_pct "$WORK/cpu-b.txt" job) | $(role_pct "$WORK/cpu-b.txt" loader) | $(role_pct "$WORK/cpu-b.txt" others) | $LOAD_B | $(others_line "$WORK/cpu-b.txt") |

JVM threads (% of one core): A: $(threads_line "$WORK/cpu-a.txt"). B: $(threads_line "$WORK/cpu-b.txt")."

echo
echo "$TABLE"
echo

if [[ "$DOC" == yes ]]; then
  DOCF="$ROOT/docs/benchmarks.md"
  TAG="incremental seconds_a=$SECONDS_A seconds_b=$SECONDS_B pipeline=$PIPELINE"
  SECTION="<!-- begin: $TAG -->
#### Incremental: redis-benchmark -P $PIPELINE (A), then $RATE_B commands/s paced (B)

Command (from the repository root, commit \`$COMMIT\`; build first with \`mvn -B -q -o install -DskipTests\`):

\`\`\`
$CMDLINE
\`\`\`

Phase A ran \`redis-benchmark -h 127.0.0.1 -p <src> -t set,incr,lpush,hset -P $PIPELINE -r 100000 --csv -n $N\` (the four
tests one after the other), phase B \`bench/incremental-probe.py load <src> $RATE_B $SECONDS_B 1\` (the same four commands
interleaved, paced every 10 ms). The job: \`$(printf '%s ' "${JOB_CMD[@]}" | sed -E "s/:$SRC /:<src> /; s/:$TGT /:<dst> /; s/ $//")\`,
in the stream phase before the load started ($PRELOAD strings in the snapshot). Baseline: a native replica
(\`REPLICAOF\`) of the same source under the same load. Samples every $SAMPLE_MS ms; lag ms = how long ago the source
went beyond the offset the copy had applied (age of the oldest write not yet applied; phase B from 1 s after its
start); rates from \`INFO commandstats\` deltas (the job's minus its fence SETs).
After the run source, target and native replica had the same \`DEBUG DIGEST\` ($K_SRC keys).

$TABLE

Machine: $(nproc) cores, ${MEM_G} GB RAM, redis-server $REDIS_V, Java $JAVA_V, $DATE; at the start: \`$(sed 's/^ *//' <<<"$UPTIME_START")\`.
<!-- end: $TAG -->"
  SECTION="${SECTION//$WORK/\$WORK}"
  write_doc_section "$DOCF" "$TAG" "$SECTION"
fi
