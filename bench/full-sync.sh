#!/usr/bin/env bash
# Full-sync benchmark: redis-migrate `run --mode full` against a native replica's full sync, same source, same run.
#
#   bench/full-sync.sh                       # 5 M small strings + a mixed set, disk-based sync
#   KEYS=1000000 DISKLESS=yes bench/full-sync.sh
#
# Knobs (environment):
#   KEYS=5000000        strings written by DEBUG POPULATE (key:N, 64-byte values)
#   MIXED=10000         keys of each of list/set/zset/hash (about 100 elements each; every 10th has 200 elements so
#                       that the big encodings show up too); 0 = none. Plus STREAMS streams with groups and PELs.
#   STREAMS=10          streams of 1,000 entries, 2 consumer groups each, 100 pending entries in one of them
#   DISKLESS=no|yes     source's repl-diskless-sync (for both the native replica and redis-migrate)
#   RUNS=1              native and ours alternately this many times on the same source (median reported when > 1)
#   JAVA_OPTS=...       passed through to the JVM of bin/redis-migrate (-Djava.io.tmpdir is set to the bench dir)
#   PROFILE=no|yes      sample CPU every 0.5 s while the job runs: per JVM thread, source (+ its BGSAVE fork),
#                       target; writes bench/results/full-sync-profile-N.txt (timeline and per-thread totals)
#   VERIFY=no|yes       also run `bin/redis-migrate verify` after the copy (not timed)
#   DOC=yes|no          write the result section into docs/benchmarks.md
#   KEEP=no|yes         keep the temp dir (redis logs, job log) instead of removing it
#   REDIS_SERVER, REDIS_CLI   binaries (default: from PATH)
#
# Exits non-zero, loudly, when the job fails or the target does not equal the source (DBSIZE, DEBUG DIGEST).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
KEYS="${KEYS:-5000000}"
MIXED="${MIXED:-10000}"
STREAMS="${STREAMS:-10}"
DISKLESS="${DISKLESS:-no}"
RUNS="${RUNS:-1}"
VERIFY="${VERIFY:-no}"
PROFILE="${PROFILE:-no}"
DOC="${DOC:-yes}"
KEEP="${KEEP:-no}"
REDIS_SERVER="${REDIS_SERVER:-redis-server}"
REDIS_CLI="${REDIS_CLI:-redis-cli}"
CMDLINE="$(for v in KEYS MIXED STREAMS DISKLESS RUNS JAVA_OPTS PROFILE VERIFY; do [[ -n "${!v:-}" ]] && printf '%s=%q ' "$v" "${!v}"; done; echo "bench/full-sync.sh")"

case "$DISKLESS" in yes|no) ;; *) echo "DISKLESS must be yes or no" >&2; exit 2 ;; esac
[[ "$KEYS" =~ ^[0-9]+$ && "$MIXED" =~ ^[0-9]+$ && "$STREAMS" =~ ^[0-9]+$ && "$RUNS" =~ ^[1-9][0-9]*$ ]] || {
  echo "KEYS, MIXED, STREAMS, RUNS: numbers" >&2; exit 2; }

JAR="$ROOT/job/target/redis-migrate-job.jar"
[[ -f "$JAR" && -f "$ROOT/job/target/classpath.txt" ]] || {
  echo "full-sync: build first: (cd $ROOT && mvn -B -q -o install -DskipTests)" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/full-sync.XXXXXX")"
PIDS=()
cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ "$KEEP" == yes || $rc -ne 0 ]]; then echo "full-sync: temp dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BENCH=full-sync
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
# total keys over all DBs
total_keys() { cli "$1" INFO keyspace | tr -d '\r' | awk -F'[=,:]' '/^db[0-9]+:/{n+=$3} END{print n+0}'; }
# CPU seconds (user+sys, own + reaped children, e.g. the BGSAVE fork) of a process
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15+$16+$17)/hz}' "/proc/$1/stat"; }
cpu_diff() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", b-a}'; }

# ---------------------------------------------------------------------------------------------------------------
log "work dir $WORK"
start_redis source --repl-diskless-sync "$DISKLESS" --repl-diskless-sync-delay 0 --repl-backlog-size 64mb
SRC=$REDIS_PORT SRC_PID=$REDIS_PID
log "source on 127.0.0.1:$SRC (pid $SRC_PID, diskless=$DISKLESS)"

t0=$(now)
cli "$SRC" DEBUG POPULATE "$KEYS" key 64 >/dev/null
log "DEBUG POPULATE $KEYS: $(elapsed "$t0" "$(now)") s"

if (( MIXED > 0 || STREAMS > 0 )); then
  t0=$(now)
  # RESP for redis-cli --pipe. Lists of strings, sets of strings (even) or integers (odd: intset), zsets, hashes;
  # every 10th key has 200 elements (quicklist with several nodes / hashtable / skiplist); every 7th has a TTL.
  awk -v mixed="$MIXED" -v streams="$STREAMS" '
    function cmd(n, a,   s, i) { s = "*" n "\r\n"; for (i = 1; i <= n; i++) s = s "$" length(a[i]) "\r\n" a[i] "\r\n"; printf "%s", s }
    BEGIN {
      for (k = 0; k < mixed; k++) {
        n = (k % 10 == 0) ? 200 : 100
        delete a; a[1] = "RPUSH"; a[2] = "mix:list:" k
        for (i = 0; i < n; i++) a[3 + i] = "element-" k "-" i
        cmd(n + 2, a)
        delete a; a[1] = "SADD"; a[2] = "mix:set:" k
        for (i = 0; i < n; i++) a[3 + i] = (k % 2) ? (k * 1000 + i) : ("member-" i)
        cmd(n + 2, a)
        delete a; a[1] = "ZADD"; a[2] = "mix:zset:" k; m = 2
        for (i = 0; i < n; i++) { a[++m] = (i * 1.5) ""; a[++m] = "m-" k "-" i }
        cmd(m, a)
        delete a; a[1] = "HSET"; a[2] = "mix:hash:" k; m = 2
        for (i = 0; i < n; i++) { a[++m] = "field-" i; a[++m] = "value-" k "-" i }
        cmd(m, a)
        if (k % 7 == 0) {
          delete a; a[1] = "PEXPIRE"; a[3] = "86400000"
          a[2] = "mix:list:" k; cmd(3, a); a[2] = "mix:hash:" k; cmd(3, a)
        }
      }
      for (s = 0; s < streams; s++) {
        for (i = 0; i < 1000; i++) {
          delete a; a[1] = "XADD"; a[2] = "mix:stream:" s; a[3] = "*"; a[4] = "f"; a[5] = "v" i; a[6] = "n"; a[7] = i ""
          cmd(7, a)
        }
        delete a; a[1] = "XGROUP"; a[2] = "CREATE"; a[3] = "mix:stream:" s; a[4] = "g1"; a[5] = "0"; cmd(5, a)
        a[4] = "g2"; a[5] = "$"; cmd(5, a)
        delete a; a[1] = "XREADGROUP"; a[2] = "GROUP"; a[3] = "g1"; a[4] = "c1"; a[5] = "COUNT"; a[6] = "100"
        a[7] = "STREAMS"; a[8] = "mix:stream:" s; a[9] = ">"; cmd(9, a)
      }
    }' > "$WORK/mixed.resp"
  cli "$SRC" --pipe < "$WORK/mixed.resp" > "$WORK/mixed.pipe.log" 2>&1 || die "loading the mixed set: $(tail -3 "$WORK/mixed.pipe.log")"
  grep -q 'errors: 0' "$WORK/mixed.pipe.log" || die "loading the mixed set: $(tail -3 "$WORK/mixed.pipe.log")"
  rm -f "$WORK/mixed.resp"
  log "mixed set ($MIXED each of list/set/zset/hash, $STREAMS streams): $(elapsed "$t0" "$(now)") s"
fi

SRC_KEYS=$(total_keys "$SRC")
SRC_DIGEST=$(cli "$SRC" DEBUG DIGEST)
SRC_MEM=$(info_field "$SRC" memory used_memory_human)
log "source: $SRC_KEYS keys, used_memory $SRC_MEM, digest $SRC_DIGEST"

# Machine-wide busy CPU seconds (all processes), to tell how much of each copy's wall time went to other load.
sys_busy_s() { awk -v hz="$(getconf CLK_TCK)" '/^cpu /{printf "%.2f", ($2+$3+$4+$7+$8+$9)/hz}' /proc/stat; }
others() { awk -v a="$1" -v b="$2" -v own="$3" 'BEGIN{o=b-a-own; printf "%.1f", o<0?0:o}'; }

# --- baseline: a native replica's full sync ----------------------------------------------------------------------
run_native() {  # $1 = run number; appends to NATIVE_*
  start_redis "native$1"
  local dst=$REDIS_PORT dst_pid=$REDIS_PID inf t0 t1 deadline s0 d0 b0 sc dc
  log "run $1: native replica on 127.0.0.1:$dst; REPLICAOF"
  s0=$(cpu_s "$SRC_PID"); d0=$(cpu_s "$dst_pid"); b0=$(sys_busy_s)
  t0=$(now)
  cli "$dst" REPLICAOF 127.0.0.1 "$SRC" >/dev/null
  deadline=$(( $(date +%s) + 900 ))
  while :; do
    inf=$(cli "$dst" INFO replication 2>/dev/null | tr -d '\r' || true)
    if grep -q '^master_link_status:up' <<<"$inf" && grep -q '^master_sync_in_progress:0' <<<"$inf"; then
      [[ "$(total_keys "$dst")" == "$SRC_KEYS" ]] && break
    fi
    (( $(date +%s) < deadline )) || die "native replica did not finish within 900 s"
    sleep 0.02
  done
  t1=$(now)
  sc=$(cpu_diff "$s0" "$(cpu_s "$SRC_PID")"); dc=$(cpu_diff "$d0" "$(cpu_s "$dst_pid")")
  NATIVE_S+=("$(elapsed "$t0" "$t1")"); NATIVE_SRC_CPU+=("$sc"); NATIVE_DST_CPU+=("$dc")
  NATIVE_OTHER_CPU+=("$(others "$b0" "$(sys_busy_s)" "$(awk -v a="$sc" -v b="$dc" 'BEGIN{print a+b}')")")
  if [[ $1 == 1 ]]; then
    local digest; digest=$(cli "$dst" DEBUG DIGEST)
    [[ "$digest" == "$SRC_DIGEST" ]] || die "native replica digest $digest != source $SRC_DIGEST"
  fi
  log "run $1: native full sync ${NATIVE_S[-1]} s (cpu s: source $sc, replica $dc, other processes ${NATIVE_OTHER_CPU[-1]})"
  stop_redis "$dst" "$dst_pid"
}

# Samples CPU ticks every 0.5 s until the job's JVM exits: "T <s> <name> <ticks>" lines for the source (with its
# live children, i.e. the BGSAVE fork), the target and each JVM thread (by thread name, as the kernel keeps it).
sample_cpu() {  # time_pid dst_pid out
  local tp=$1 dst_pid=$2 out=$3 jp="" t0 kids
  t0=$(now)
  while kill -0 "$tp" 2>/dev/null; do
    [[ -n "$jp" ]] || jp=$(pgrep -P "$tp" java || true)
    kids=$(pgrep -P "$SRC_PID" | sed 's|.*|/proc/&/stat|' || true)
    # one awk per sample: comm may contain spaces, so split the line at the last ")"
    # shellcheck disable=SC2086
    awk -v t="$(elapsed "$t0" "$(now)")" -v src="/proc/$SRC_PID/stat" -v dst="/proc/$dst_pid/stat" '
      { i = match($0, /\) [A-Z] /); comm = substr($0, index($0, "(") + 1, i - index($0, "(") - 1); gsub(/ /, "_", comm)
        n = split(substr($0, i + 2), f, " "); ticks = f[12] + f[13]
        if (FILENAME == src) print "T", t, "source", ticks + f[14] + f[15]
        else if (FILENAME == dst) print "T", t, "target", ticks
        else if (FILENAME ~ /\/task\//) { split(FILENAME, q, "/"); print "J", t, comm "#" q[5], ticks }
        else print "T", t, "source", ticks + f[14] + f[15] }' \
      "/proc/$SRC_PID/stat" $kids "/proc/$dst_pid/stat" ${jp:+/proc/$jp/task/*/stat} >> "$out" 2>/dev/null || true
    sleep 0.5
  done
}

# Summary of a sample file: per-second timeline (CPU % of one core) of source, target, JVM, and JVM threads by name.
profile_summary() {  # file
  awk -v hz="$(getconf CLK_TCK)" '
    { t = $2 + 0; name = $3; v = $4 }
    $1 == "T" { key = name; cur[t, key] += v; times[t] = 1; names[key] = 1 }
    $1 == "J" { split(name, p, "#"); thr = p[1]; last[name] = v; tname[name] = thr;
                cur[t, "job"] += v; times[t] = 1; names["job"] = 1 }
    END {
      n = 0; for (t in times) ts[++n] = t + 0
      # sort sample times
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (ts[j] < ts[i]) { x = ts[i]; ts[i] = ts[j]; ts[j] = x }
      print "timeline: CPU % of one core over each ~1 s (source includes its BGSAVE fork while it runs)"
      printf "%7s %8s %8s %8s\n", "t(s)", "source", "target", "job"
      split("source target job", cols, " ")
      pt = ts[1]; for (c = 1; c <= 3; c++) prev[c] = cur[pt, cols[c]]
      for (i = 2; i <= n; i++) {
        t = ts[i]; if (t - pt < 0.95 && i < n) continue
        printf "%7.1f", t
        for (c = 1; c <= 3; c++) { d = cur[t, cols[c]] - prev[c]; if (d < 0) d = 0; printf " %8.0f", 100 * d / hz / (t - pt); prev[c] = cur[t, cols[c]] }
        printf "\n"; pt = t
      }
      print ""
      print "JVM CPU seconds by thread (threads of the same name summed):"
      for (k in last) bythr[tname[k]] += last[k]
      m = 0; for (k in bythr) { names2[++m] = k }
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (bythr[names2[j]] > bythr[names2[i]]) { x = names2[i]; names2[i] = names2[j]; names2[j] = x }
      for (i = 1; i <= m && i <= 15; i++) printf "  %8.2f  %s\n", bythr[names2[i]] / hz, names2[i]
    }' "$1"
}

# --- ours: redis-migrate run --mode full ------------------------------------------------------------------------
mkdir -p "$WORK/jtmp" "$ROOT/bench/results"
export JAVA_OPTS="-Djava.io.tmpdir=$WORK/jtmp ${JAVA_OPTS:-}"
run_ours() {  # $1 = run number; appends to OURS_*
  start_redis "target$1"
  local dst=$REDIS_PORT dst_pid=$REDIS_PID t0 t1 s0 d0 b0 sc dc rc job_pid rss user sys jc keys digest
  JOB_CMD=(bin/redis-migrate run --source "redis://127.0.0.1:$SRC" --target "redis://127.0.0.1:$dst" --mode full --web-ui-port 0)
  log "run $1: target on 127.0.0.1:$dst; bin/redis-migrate run --mode full"
  s0=$(cpu_s "$SRC_PID"); d0=$(cpu_s "$dst_pid"); b0=$(sys_busy_s)
  t0=$(now)
  set +e
  (cd "$ROOT" && exec /usr/bin/time -v -o "$WORK/time.txt" "${JOB_CMD[@]}") > "$WORK/job.log" 2>&1 &
  job_pid=$!
  PIDS+=("$job_pid")
  if [[ "$PROFILE" == yes ]]; then
    : > "$WORK/samples-$1.txt"
    sample_cpu "$job_pid" "$dst_pid" "$WORK/samples-$1.txt" &
    PIDS+=("$!")
  fi
  wait "$job_pid"
  rc=$?
  set -e
  t1=$(now)
  sc=$(cpu_diff "$s0" "$(cpu_s "$SRC_PID")"); dc=$(cpu_diff "$d0" "$(cpu_s "$dst_pid")")
  cp "$WORK/job.log" "$ROOT/bench/results/full-sync-job-$1.log"
  [[ $rc -eq 0 ]] || { tail -30 "$WORK/job.log" >&2; die "run $1: bin/redis-migrate exited $rc (log: bench/results/full-sync-job-$1.log)"; }
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$WORK/time.txt")
  user=$(awk -F': ' '/User time/{print $2}' "$WORK/time.txt")
  sys=$(awk -F': ' '/System time/{print $2}' "$WORK/time.txt")
  jc=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.1f", u+s}')
  OURS_S+=("$(elapsed "$t0" "$t1")"); OURS_SRC_CPU+=("$sc"); OURS_DST_CPU+=("$dc"); OURS_JOB_CPU+=("$jc")
  OURS_RSS_MB+=("$((rss / 1024))")
  OURS_OTHER_CPU+=("$(others "$b0" "$(sys_busy_s)" "$(awk -v a="$sc" -v b="$dc" -v c="$jc" 'BEGIN{print a+b+c}')")")
  log "run $1: redis-migrate ${OURS_S[-1]} s, exit $rc, peak RSS ${OURS_RSS_MB[-1]} MB (cpu s: job $jc, source $sc, target $dc, other processes ${OURS_OTHER_CPU[-1]})"
  grep -v ' WARN ' "$WORK/job.log" | sed 's/^/    job: /' >&2 || true
  if [[ "$PROFILE" == yes ]]; then
    sleep 0.6
    profile_summary "$WORK/samples-$1.txt" > "$ROOT/bench/results/full-sync-profile-$1.txt"
    log "run $1: profile in bench/results/full-sync-profile-$1.txt"
  fi
  keys=$(total_keys "$dst")
  [[ "$keys" == "$SRC_KEYS" ]] || die "run $1: target has $keys keys, source $SRC_KEYS"
  # server-side cost of the writes: calls and microseconds per call of RESTORE (and of all commands)
  OURS_RESTORE_US+=("$(cli "$dst" INFO commandstats | tr -d '\r' | awk -F'[:,=]' '/^cmdstat_restore:/{print $7}')")
  log "run $1: target commandstats: $(cli "$dst" INFO commandstats | tr -d '\r' | grep -E '^cmdstat_(restore|select)' | tr '\n' ' ')$(
    cli "$dst" INFO stats | tr -d '\r' | awk -F: '/^total_net_input_bytes:/{b=$2} /^total_reads_processed:/{r=$2} END{printf "reads %d, %.0f bytes/read", r, b/(r?r:1)}')"
  digest=$(cli "$dst" DEBUG DIGEST)
  [[ "$digest" == "$SRC_DIGEST" ]] || die "run $1: target digest $digest != source $SRC_DIGEST"
  log "run $1: target equals source: $keys keys, digest $digest"
  if [[ "$VERIFY" == yes ]]; then
    (cd "$ROOT" && bin/redis-migrate verify --source "redis://127.0.0.1:$SRC" --target "redis://127.0.0.1:$dst") >&2 \
      || die "run $1: bin/redis-migrate verify found differences"
  fi
  stop_redis "$dst" "$dst_pid"
}

NATIVE_S=(); NATIVE_SRC_CPU=(); NATIVE_DST_CPU=(); NATIVE_OTHER_CPU=()
OURS_RESTORE_US=(); OURS_S=(); OURS_SRC_CPU=(); OURS_DST_CPU=(); OURS_JOB_CPU=(); OURS_RSS_MB=(); OURS_OTHER_CPU=()
for ((r = 1; r <= RUNS; r++)); do
  run_native "$r"
  run_ours "$r"
done

# --- RDB size: the file of the disk-based syncs, or one SAVE now (diskless) ----------------------------------------
[[ -f "$WORK/source/dump.rdb" ]] || cli "$SRC" SAVE >/dev/null
RDB_MB=$(awk -v b="$(stat -c %s "$WORK/source/dump.rdb")" 'BEGIN{printf "%.0f", b/1048576}')

# --- report ------------------------------------------------------------------------------------------------------
median() { local fmt=$1; shift; printf '%s\n' "$@" | sort -g | awk -v f="$fmt" '{v[NR]=$1} END{printf f, (NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2}'; }
REDIS_V=$("$REDIS_SERVER" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')
JAVA_V=$(java -version 2>&1 | head -1 | sed 's/.*"\(.*\)".*/\1/')
MEM_G=$(free -g | awk '/^Mem:/{print $2}')
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
SYNC=$([[ $DISKLESS == yes ]] && echo diskless || echo disk)
row() {  # label native ours rss
  local ratio kn ko
  ratio=$(awk -v a="$3" -v b="$2" 'BEGIN{printf "%.2f", a/b}')
  kn=$(awk -v k="$SRC_KEYS" -v s="$2" 'BEGIN{printf "%.0f", k/s}')
  ko=$(awk -v k="$SRC_KEYS" -v s="$3" 'BEGIN{printf "%.0f", k/s}')
  echo "| $1 | $SRC_KEYS | $RDB_MB MB | $SYNC | $2 s | $3 s | **$ratio** | $kn | $ko | $4 MB |"
}
TABLE="| run | keys | RDB | sync | native replica | redis-migrate | ours / native | keys/s native | keys/s ours | peak RSS (job) |
|-----|-----:|----:|------|---------------:|--------------:|--------------:|--------------:|------------:|---------------:|"
for ((r = 0; r < RUNS; r++)); do TABLE+=$'\n'"$(row $((r + 1)) "${NATIVE_S[r]}" "${OURS_S[r]}" "${OURS_RSS_MB[r]}")"; done
if (( RUNS > 1 )); then
  TABLE+=$'\n'"$(row median "$(median %.2f "${NATIVE_S[@]}")" "$(median %.2f "${OURS_S[@]}")" "$(median %.0f "${OURS_RSS_MB[@]}")")"
fi
TABLE+="

CPU seconds during each copy (user+sys; the source's includes its BGSAVE fork; \"other\" is CPU that the rest of the
machine used meanwhile, out of $(nproc) × wall seconds — a large value means the timing is disturbed; RESTORE µs/call
is the destination's own \`INFO commandstats\` figure):

| run | copy | source redis | destination redis | job JVM | other processes | RESTORE µs/call |
|-----|------|-------------:|------------------:|--------:|----------------:|----------------:|"
for ((r = 0; r < RUNS; r++)); do
  TABLE+=$'\n'"| $((r + 1)) | native replica | ${NATIVE_SRC_CPU[r]} | ${NATIVE_DST_CPU[r]} | – | ${NATIVE_OTHER_CPU[r]} | – |"
  TABLE+=$'\n'"| $((r + 1)) | redis-migrate | ${OURS_SRC_CPU[r]} | ${OURS_DST_CPU[r]} | ${OURS_JOB_CPU[r]} | ${OURS_OTHER_CPU[r]} | ${OURS_RESTORE_US[r]} |"
done

echo
echo "$TABLE"
echo

if [[ "$DOC" == yes ]]; then
  DOCF="$ROOT/docs/benchmarks.md"
  TAG="full-sync keys=$KEYS mixed=$MIXED streams=$STREAMS diskless=$DISKLESS runs=$RUNS"
  SECTION="<!-- begin: $TAG -->
#### Full sync: $KEYS strings + $MIXED each of list/set/zset/hash + $STREAMS streams, $SYNC sync

Command (from the repository root, commit \`$COMMIT\`; build first with \`mvn -B -q -o install -DskipTests\`):

\`\`\`
$CMDLINE
\`\`\`

The job ran as \`$(printf '%s ' "${JOB_CMD[@]}" | sed -E "s/:$SRC /:<src> /; s/127.0.0.1:[0-9]+ --mode/127.0.0.1:<dst> --mode/; s/ $//")\` under \`/usr/bin/time -v\`
(wall clock includes JVM and Flink start-up; JAVA_OPTS=\`$JAVA_OPTS\`).
Baseline: an empty \`redis-server\`, \`REPLICAOF\` the same source, timed until \`master_link_status:up\`,
\`master_sync_in_progress:0\` and the same key count. Each copy by redis-migrate was checked equal to the source with \`DEBUG DIGEST\` (the native one in run 1).

$TABLE

Machine: $(nproc) cores, ${MEM_G} GB RAM, redis-server $REDIS_V, Java $JAVA_V, $DATE.
<!-- end: $TAG -->"
  SECTION="${SECTION//$WORK/\$WORK}"
  [[ -f "$DOCF" ]] || printf '# Benchmarks\n\nProduced by the scripts in `bench/`; each result is measured side by side with its baseline in the same run.\n' > "$DOCF"
  write_doc_section "$DOCF" "$TAG" "$SECTION"
fi
