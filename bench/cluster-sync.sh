#!/usr/bin/env bash
# Cluster full-sync benchmark: redis-migrate `run --mode full` from a 3-master source cluster into a 3-master target
# cluster (--parallelism 3, and other parallelisms), against the same data standalone -> standalone (parallelism 1),
# same run, same machine; CPU seconds of every process (each redis-server, the job JVM, everything else).
#
#   bench/cluster-sync.sh                          # 1.5 M small strings, cluster runs with --parallelism 3 and 2
#   KEYS=3000000 PARALLELISMS="1 2 3" RUNS=2 bench/cluster-sync.sh
#
# Knobs (environment):
#   KEYS=1500000        strings (64-byte values), written with DEBUG POPULATE under hash tags: TAGS tags per shard,
#                       each tag's slot owned by that shard, KEYS / (3 × TAGS) keys per tag (`{tag}key:N`); the
#                       standalone source gets exactly the same keys and values
#   TAGS=30             hash tags (= slots holding data) per shard, so the cluster sink spreads over many slots
#                       (at most 5000: real data fills every slot, TAGS=5000 comes close)
#   PARALLELISMS="3 2"  --parallelism of the cluster → cluster runs (the standalone run always uses 1)
#   RUNS=1              all copies (standalone, then each parallelism) this many times, alternately
#   DISKLESS=no|yes     repl-diskless-sync of the sources
#   JAVA_OPTS=...       passed through to the JVM of bin/redis-migrate (-Djava.io.tmpdir is set to the bench dir)
#   DOC=yes|no          write the result section into docs/benchmarks.md
#   KEEP=no|yes         keep the temp dir (redis logs, job logs)
#   REDIS_SERVER, REDIS_CLI   binaries (default: from PATH)
#
# Every copy is checked: key count equal to the source's, and DEBUG DIGEST equal (standalone target vs standalone
# source; each target master vs the source master with the same slot range — both clusters split 0-16383 alike).
# Exits non-zero, loudly, when a job fails or a copy differs.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
KEYS="${KEYS:-1500000}"
TAGS="${TAGS:-30}"
PARALLELISMS="${PARALLELISMS:-3 2}"
RUNS="${RUNS:-1}"
DISKLESS="${DISKLESS:-no}"
DOC="${DOC:-yes}"
KEEP="${KEEP:-no}"
REDIS_SERVER="${REDIS_SERVER:-redis-server}"
REDIS_CLI="${REDIS_CLI:-redis-cli}"
CMDLINE="$(for v in KEYS TAGS PARALLELISMS RUNS DISKLESS JAVA_OPTS; do [[ -n "${!v:-}" ]] && printf '%s=%q ' "$v" "${!v}"; done; echo "bench/cluster-sync.sh")"
SHARDS=3

case "$DISKLESS" in yes|no) ;; *) echo "DISKLESS must be yes or no" >&2; exit 2 ;; esac
[[ "$KEYS" =~ ^[0-9]+$ && "$TAGS" =~ ^[1-9][0-9]*$ && "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "KEYS, TAGS, RUNS: numbers" >&2; exit 2; }
for p in $PARALLELISMS; do [[ "$p" =~ ^[1-9][0-9]*$ ]] || { echo "PARALLELISMS: numbers" >&2; exit 2; }; done
(( KEYS >= SHARDS * TAGS )) || { echo "KEYS must be at least 3 × TAGS" >&2; exit 2; }

JAR="$ROOT/job/target/redis-migrate-job.jar"
[[ -f "$JAR" && -f "$ROOT/job/target/classpath.txt" ]] || {
  echo "cluster-sync: build first: (cd $ROOT && mvn -B -q -o package -DskipTests)" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cluster-sync.XXXXXX")"
PIDS=()
cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ "$KEEP" == yes || $rc -ne 0 ]]; then echo "cluster-sync: temp dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BENCH=cluster-sync
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

SRC_OPTS=(--repl-diskless-sync "$DISKLESS" --repl-diskless-sync-delay 0 --repl-backlog-size 64mb)
# Slot ranges of the 3 masters (both clusters alike).
RANGE_LO=(0 5461 10923); RANGE_HI=(5460 10922 16383)

# start_cluster NAME [options] -> CL_PORTS, CL_PIDS: 3 masters, slots split in three, MEET, cluster_state:ok
start_cluster() {
  local name=$1; shift
  local i j st
  CL_PORTS=(); CL_PIDS=()
  for ((i = 0; i < SHARDS; i++)); do
    start_redis "$name$i" --cluster-enabled yes --cluster-config-file "$WORK/$name$i/nodes.conf" \
      --cluster-node-timeout 5000 "$@"
    CL_PORTS+=("$REDIS_PORT"); CL_PIDS+=("$REDIS_PID")
    [[ "$(cli "$REDIS_PORT" CLUSTER ADDSLOTSRANGE "${RANGE_LO[i]}" "${RANGE_HI[i]}")" == OK ]] || die "$name$i: ADDSLOTSRANGE"
  done
  for ((i = 1; i < SHARDS; i++)); do cli "${CL_PORTS[0]}" CLUSTER MEET 127.0.0.1 "${CL_PORTS[i]}" >/dev/null; done
  for j in $(seq 300); do
    st=0
    for ((i = 0; i < SHARDS; i++)); do
      cli "${CL_PORTS[i]}" CLUSTER INFO | tr -d '\r' | grep -q '^cluster_state:ok' || st=1
      cli "${CL_PORTS[i]}" CLUSTER INFO | tr -d '\r' | grep -q "^cluster_known_nodes:$SHARDS" || st=1
    done
    (( st == 0 )) && return
    sleep 0.1
  done
  die "$name: cluster_state did not become ok"
}

total_keys() { cli "$1" INFO keyspace | tr -d '\r' | awk -F'[=,:]' '/^db[0-9]+:/{n+=$3} END{print n+0}'; }
# CPU seconds (user+sys, own + reaped children, e.g. the BGSAVE fork) of a process
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15+$16+$17)/hz}' "/proc/$1/stat"; }
cpu_diff() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", b-a}'; }
sys_busy_s() { awk -v hz="$(getconf CLK_TCK)" '/^cpu /{printf "%.2f", ($2+$3+$4+$7+$8+$9)/hz}' /proc/stat; }
# pid comm ticks(user+sys) of every process, for the "busiest other processes" column
proc_snapshot() {
  for f in /proc/[0-9]*/stat; do cat "$f" 2>/dev/null || true; echo; done | awk '
    NF { i = match($0, /\) [A-Z] /); if (!i) next; comm = substr($0, index($0, "(") + 1, i - index($0, "(") - 1)
         gsub(/ /, "_", comm); n = split(substr($0, i + 2), f, " "); print $1, comm, f[12] + f[13] }'
}
# top other processes between two snapshots: "comm N %, …" (% of one core), our pids excluded
top_others() {  # before after seconds exclude-pids...
  local b=$1 a=$2 s=$3; shift 3
  awk -v s="$s" -v hz="$(getconf CLK_TCK)" -v ex="$*" '
    BEGIN { n = split(ex, e, " "); for (i = 1; i <= n; i++) skip[e[i]] = 1 }
    FNR == NR { before[$1] = $3; next }
    !($1 in skip) { d = $3 - before[$1]; if (d > 0) by[$2] += d }
    END { m = 0; for (k in by) names[++m] = k
          for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (by[names[j]] > by[names[i]]) { x = names[i]; names[i] = names[j]; names[j] = x }
          out = ""; for (i = 1; i <= m && i <= 4; i++) { p = 100 * by[names[i]] / hz / s; if (p < 1) break; out = out (out ? ", " : "") names[i] " " sprintf("%.0f", p) " %" }
          print out ? out : "–" }' "$b" "$a"
}

# ---------------------------------------------------------------------------------------------------------------
log "work dir $WORK; $(uptime)"
start_cluster src "${SRC_OPTS[@]}"
SRC_PORTS=("${CL_PORTS[@]}"); SRC_PIDS=("${CL_PIDS[@]}")
start_redis ssrc "${SRC_OPTS[@]}"
SSRC=$REDIS_PORT SSRC_PID=$REDIS_PID
start_cluster dst
DST_PORTS=("${CL_PORTS[@]}"); DST_PIDS=("${CL_PIDS[@]}")
start_redis sdst
SDST=$REDIS_PORT SDST_PID=$REDIS_PID
log "source cluster ${SRC_PORTS[*]}, target cluster ${DST_PORTS[*]}, standalone source $SSRC, standalone target $SDST"

# Hash tags: TAGS per shard, each in a distinct slot of that shard (one CLUSTER KEYSLOT round trip for all).
printf 'CLUSTER KEYSLOT t%d\n' $(seq 0 $(( TAGS < 500 ? 1999 : 99999 ))) | cli "${SRC_PORTS[0]}" > "$WORK/slots.txt"
declare -a SHARD_TAGS
for ((i = 0; i < SHARDS; i++)); do
  SHARD_TAGS[i]=$(awk -v lo="${RANGE_LO[i]}" -v hi="${RANGE_HI[i]}" -v want="$TAGS" '
    { s = $1 + 0; if (s >= lo && s <= hi && !(s in seen)) { seen[s] = 1; printf "t%d ", NR - 1; if (++n == want) exit } }' "$WORK/slots.txt")
  (( $(wc -w <<<"${SHARD_TAGS[i]}") == TAGS )) || die "not enough tags for shard $i"
done

# Load: the same DEBUG POPULATE commands on the owning cluster master and on the standalone source.
t0=$(now)
PER=$(( KEYS / (SHARDS * TAGS) )); EXTRA=$(( KEYS % (SHARDS * TAGS) )); k=0
for ((i = 0; i < SHARDS; i++)); do
  : > "$WORK/load$i.txt"
  for t in ${SHARD_TAGS[i]}; do
    n=$(( PER + (k < EXTRA ? 1 : 0) )); k=$((k + 1))
    echo "DEBUG POPULATE $n {$t}key 64" >> "$WORK/load$i.txt"
  done
  cli "${SRC_PORTS[i]}" < "$WORK/load$i.txt" | grep -v '^OK$' && die "DEBUG POPULATE on shard $i" || true
  cli "$SSRC" < "$WORK/load$i.txt" | grep -v '^OK$' && die "DEBUG POPULATE on the standalone source" || true
done
SRC_KEYS=0
for ((i = 0; i < SHARDS; i++)); do
  SHARD_KEYS[i]=$(total_keys "${SRC_PORTS[i]}"); SRC_KEYS=$(( SRC_KEYS + SHARD_KEYS[i] ))
  SHARD_DIGEST[i]=$(cli "${SRC_PORTS[i]}" DEBUG DIGEST)
done
[[ "$(total_keys "$SSRC")" == "$SRC_KEYS" && "$SRC_KEYS" == "$KEYS" ]] || die "loaded $SRC_KEYS keys in the cluster, $(total_keys "$SSRC") standalone, wanted $KEYS"
SSRC_DIGEST=$(cli "$SSRC" DEBUG DIGEST)
SRC_MEM=$(cli "$SSRC" INFO memory | tr -d '\r' | awk -F: '$1=="used_memory_human"{print $2}')
log "loaded $KEYS keys ($TAGS tags per shard, shards ${SHARD_KEYS[*]}; standalone used_memory $SRC_MEM): $(elapsed "$t0" "$(now)") s"

# Polls the targets' DBSIZE every 100 ms over persistent connections: prints "first_key_s last_key_s" relative to
# its start (first key written, all keys there), so the write phase can be told from JVM start-up and the snapshot.
cat > "$WORK/poll.py" <<'PY'
import socket, sys, time
want = int(sys.argv[1]); ports = [int(p) for p in sys.argv[2:]]
socks = [socket.create_connection(("127.0.0.1", p)) for p in ports]
def dbsize(s):
    s.sendall(b"DBSIZE\r\n"); buf = b""
    while not buf.endswith(b"\r\n"): buf += s.recv(64)
    return int(buf[1:-2])
t0 = time.monotonic(); first = None
while True:
    n = sum(dbsize(s) for s in socks); t = time.monotonic() - t0
    if n > 0 and first is None: first = t
    if n >= want: break
    time.sleep(0.1)
print("%.2f %.2f" % (first, t), flush=True)
PY

mkdir -p "$WORK/jtmp" "$ROOT/bench/results"
export JAVA_OPTS="-Djava.io.tmpdir=$WORK/jtmp ${JAVA_OPTS:-}"

# CPU ticks of every thread of a JVM, every 0.3 s until it exits ("tid comm ticks" lines; threads end before the
# JVM does, so the last sample of each thread is its total).
sample_threads() {  # java_pid out
  while kill -0 "$1" 2>/dev/null; do
    # shellcheck disable=SC2086
    awk '{ i = match($0, /\) [A-Z] /); comm = substr($0, index($0, "(") + 1, i - index($0, "(") - 1); gsub(/ /, "_", comm)
           split(substr($0, i + 2), f, " "); split(FILENAME, q, "/"); print q[5], comm, f[12] + f[13] }' \
      /proc/"$1"/task/*/stat >> "$2" 2>/dev/null || true
    sleep 0.3
  done
}

# JVM CPU seconds by kind of thread: "task a+b+c" (Flink task threads: source reader → … → sink writer, chained),
# RDB/replication readers, sink reply readers, JIT compilers, GC, the rest.
thread_groups() {  # samples file
  awk -v hz="$(getconf CLK_TCK)" '
    { last[$1] = $3; comm[$1] = $2 }
    END {
      for (t in last) {
        c = comm[t]; v = last[t] / hz
        if (c ~ /^Source:/ || c ~ /^redis-sink:/ || c ~ /^cluster-routing/) { task[++nt] = v; g["task"] += v }
        else if (c ~ /^redis-replicati/ || c ~ /^redis-migrate-r/) g["repl"] += v
        else if (c ~ /^redis-sink-repl/) g["replies"] += v
        else if (c ~ /CompilerThre/) g["jit"] += v
        else if (c ~ /^GC_Thread/ || c ~ /^G1_/) g["gc"] += v
        else g["other"] += v
      }
      for (i = 1; i <= nt; i++) for (j = i + 1; j <= nt; j++) if (task[j] > task[i]) { x = task[i]; task[i] = task[j]; task[j] = x }
      s = ""; for (i = 1; i <= nt; i++) s = s (i > 1 ? "+" : "") sprintf("%.1f", task[i])
      printf "%s / %.1f / %.1f / %.1f / %.1f / %.1f\n", s, g["repl"], g["replies"], g["jit"], g["gc"], g["other"]
    }' "$1"
}

# run_copy LABEL PARALLELISM: one `run --mode full`; appends a result row to ROWS and a CPU row to CPUROWS
ROWS=(); CPUROWS=()
run_copy() {
  local label=$1 par=$2 src_uri dst_uri src_pids dst_pids dst_ports t0 t1 b0 s0 d0 rc job_pid java_pid user sys jc rss
  local sc dc keys own oth first last wall write_s i p snap0 snap1 load_before
  if [[ $label == standalone ]]; then
    src_uri="redis://127.0.0.1:$SSRC" dst_uri="redis://127.0.0.1:$SDST"
    src_pids=("$SSRC_PID") dst_pids=("$SDST_PID") dst_ports=("$SDST")
  else
    src_uri="redis://127.0.0.1:${SRC_PORTS[0]}" dst_uri="redis://127.0.0.1:${DST_PORTS[0]}"
    src_pids=("${SRC_PIDS[@]}") dst_pids=("${DST_PIDS[@]}") dst_ports=("${DST_PORTS[@]}")
  fi
  for p in "${dst_ports[@]}"; do cli "$p" FLUSHALL SYNC >/dev/null; done
  JOB_CMD=(bin/redis-migrate run --source "$src_uri" --target "$dst_uri" --mode full --web-ui-port 0 --parallelism "$par")
  load_before=$(uptime | sed 's/.*load average: //')
  log "run $RUN: $label, parallelism $par (load average $load_before)"
  s0=(); for p in "${src_pids[@]}"; do s0+=("$(cpu_s "$p")"); done
  d0=(); for p in "${dst_pids[@]}"; do d0+=("$(cpu_s "$p")"); done
  snap0="$WORK/snap0"; proc_snapshot > "$snap0"
  b0=$(sys_busy_s)
  python3 "$WORK/poll.py" "$SRC_KEYS" "${dst_ports[@]}" > "$WORK/poll.txt" &
  local poll_pid=$!; PIDS+=("$poll_pid")
  t0=$(now)
  set +e
  (cd "$ROOT" && exec /usr/bin/time -v -o "$WORK/time.txt" "${JOB_CMD[@]}") > "$WORK/job.log" 2>&1 &
  job_pid=$!
  PIDS+=("$job_pid")
  java_pid=""
  for i in $(seq 50); do java_pid=$(pgrep -P "$job_pid" java || true); [[ -n $java_pid ]] && break; sleep 0.02; done
  : > "$WORK/threads.txt"
  [[ -n $java_pid ]] && { sample_threads "$java_pid" "$WORK/threads.txt" & PIDS+=("$!"); }
  wait "$job_pid"
  rc=$?
  set -e
  t1=$(now)
  # CPU right at the job's exit, before the checks (DEBUG DIGEST costs the targets CPU too)
  local busy1 s1=() d1=(); busy1=$(sys_busy_s)
  for p in "${src_pids[@]}"; do s1+=("$(cpu_s "$p")"); done
  for p in "${dst_pids[@]}"; do d1+=("$(cpu_s "$p")"); done
  snap1="$WORK/snap1"; proc_snapshot > "$snap1"
  local logf="$ROOT/bench/results/cluster-sync-job-$RUN-$label-p$par.log"
  cp "$WORK/job.log" "$logf"
  [[ $rc -eq 0 ]] || { kill "$poll_pid" 2>/dev/null || true; tail -30 "$WORK/job.log" >&2; die "run $RUN $label p$par: bin/redis-migrate exited $rc (log: $logf)"; }
  for i in $(seq 50); do kill -0 "$poll_pid" 2>/dev/null || break; sleep 0.1; done
  kill "$poll_pid" 2>/dev/null || true; wait "$poll_pid" 2>/dev/null || true
  read -r first last < "$WORK/poll.txt" || die "run $RUN $label p$par: target key count never reached $SRC_KEYS"
  wall=$(elapsed "$t0" "$t1")
  write_s=$(awk -v a="$first" -v b="$last" 'BEGIN{printf "%.2f", b-a}')
  # checks: count and digests
  keys=0; for p in "${dst_ports[@]}"; do keys=$(( keys + $(total_keys "$p") )); done
  [[ "$keys" == "$SRC_KEYS" ]] || die "run $RUN $label p$par: target has $keys keys, source $SRC_KEYS"
  if [[ $label == standalone ]]; then
    [[ "$(cli "$SDST" DEBUG DIGEST)" == "$SSRC_DIGEST" ]] || die "run $RUN standalone: target digest != source"
  else
    for ((i = 0; i < SHARDS; i++)); do
      [[ "$(cli "${DST_PORTS[i]}" DEBUG DIGEST)" == "${SHARD_DIGEST[i]}" ]] || die "run $RUN $label p$par: target master $i digest != source master $i"
    done
  fi
  user=$(awk -F': ' '/User time/{print $2}' "$WORK/time.txt")
  sys=$(awk -F': ' '/System time/{print $2}' "$WORK/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/{printf "%.0f", $2/1024}' "$WORK/time.txt")
  jc=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.1f", u+s}')
  sc=(); for ((i = 0; i < ${#src_pids[@]}; i++)); do sc+=("$(cpu_diff "${s0[i]}" "${s1[i]}")"); done
  dc=(); for ((i = 0; i < ${#dst_pids[@]}; i++)); do dc+=("$(cpu_diff "${d0[i]}" "${d1[i]}")"); done
  own=$(printf '%s\n' "${sc[@]}" "${dc[@]}" "$jc" | awk '{s+=$1} END{print s}')
  oth=$(awk -v a="$b0" -v b="$busy1" -v o="$own" 'BEGIN{x=b-a-o; printf "%.1f", x<0?0:x}')
  local tops; tops=$(top_others "$snap0" "$snap1" "$wall" "${src_pids[@]}" "${dst_pids[@]}" "$job_pid" $java_pid "$poll_pid" "$$")
  local name; [[ $label == standalone ]] && name="standalone → standalone" || name="3 shards → 3 shards"
  local kw kwr ssum dsum
  kw=$(awk -v k="$SRC_KEYS" -v s="$wall" 'BEGIN{printf "%.0f", k/s}')
  kwr=$(awk -v k="$SRC_KEYS" -v s="$write_s" 'BEGIN{printf "%.0f", k/s}')
  ssum=$(printf '%s\n' "${sc[@]}" | awk '{s+=$1} END{printf "%.1f", s}')
  dsum=$(printf '%s\n' "${dc[@]}" | awk '{s+=$1} END{printf "%.1f", s}')
  local threads; threads=$(thread_groups "$WORK/threads.txt")
  local util; util=$(awk -v o="$own" -v x="$oth" -v w="$wall" -v c="$(nproc)" 'BEGIN{printf "%.0f %% / %.0f %%", 100*o/w/c, 100*x/w/c}')
  ROWS+=("| $RUN | $name | $par | $SRC_KEYS | $wall s | $kw | $first s | $write_s s | **$kwr** | $rss MB | $load_before |")
  CPUROWS+=("| $RUN | $name | $par | $(IFS=/; echo "${sc[*]}" | sed 's|/| / |g') ($ssum) | $(IFS=/; echo "${dc[*]}" | sed 's|/| / |g') ($dsum) | $jc | $threads | $oth | $util | $tops |")
  log "run $RUN: $label p$par: wall $wall s ($kw keys/s), first key at $first s, write phase $write_s s ($kwr keys/s); cpu s: source ${sc[*]}, target ${dc[*]}, job $jc (task threads / replication / replies / JIT / GC / other: $threads), others $oth ($tops)"
}

for ((RUN = 1; RUN <= RUNS; RUN++)); do
  run_copy standalone 1
  for p in $PARALLELISMS; do run_copy cluster "$p"; done
done

# --- report ------------------------------------------------------------------------------------------------------
REDIS_V=$("$REDIS_SERVER" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')
JAVA_V=$(java -version 2>&1 | head -1 | sed 's/.*"\(.*\)".*/\1/')
MEM_G=$(free -g | awk '/^Mem:/{print $2}')
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
TABLE="| run | copy | parallelism | keys | wall (job start → exit) | keys/s (wall) | first key on target | write phase (first → last key) | keys/s (write phase) | peak RSS (job) | load average before |
|-----|------|------------:|-----:|-----:|-----:|-----:|-----:|-----:|-----:|------|"
for r in "${ROWS[@]}"; do TABLE+=$'\n'"$r"; done
TABLE+="

CPU seconds during each copy (user+sys; a source's includes its BGSAVE fork; per master, sum in parentheses;
\"others\" = CPU the rest of the machine used meanwhile; utilisation = share of the $(nproc) cores × wall seconds;
JVM threads: each Flink task thread (source reader → scope → routing → sink writer, chained), RDB/replication
readers, sink reply readers, JIT compilers, GC, the rest (Flink runtime, start-up)):

| run | copy | parallelism | source redis | target redis | job JVM | JVM threads: task / replication / replies / JIT / GC / other | others | utilisation ours / others | busiest other processes (% of one core) |
|-----|------|------------:|------|------|-----:|------|-----:|------|------|"
for r in "${CPUROWS[@]}"; do TABLE+=$'\n'"$r"; done

echo
echo "$TABLE"
echo

if [[ "$DOC" == yes ]]; then
  DOCF="$ROOT/docs/benchmarks.md"
  TAG="cluster-sync keys=$KEYS tags=$TAGS parallelisms=${PARALLELISMS// /,} runs=$RUNS diskless=$DISKLESS"
  SECTION="<!-- begin: $TAG -->
#### Clusters: $KEYS strings, 3 shards → 3 shards vs standalone → standalone, $([[ $DISKLESS == yes ]] && echo diskless || echo disk) sync

Command (from the repository root, commit \`$COMMIT\`; build first with \`mvn -B -q -o package -DskipTests\`):

\`\`\`
$CMDLINE
\`\`\`

Each copy ran \`bin/redis-migrate run --source redis://127.0.0.1:<src> --target redis://127.0.0.1:<dst> --mode full --web-ui-port 0 --parallelism N\`
under \`/usr/bin/time -v\` (JAVA_OPTS=\`${JAVA_OPTS//$WORK/\$WORK}\`); for the clusters \`<src>\`/\`<dst>\` is the first master.
Sources: a 3-master cluster (slots 0-5460, 5461-10922, 10923-16383, no replicas) with $TAGS hash tags per shard
(each in its own slot of that shard, $((KEYS / (SHARDS * TAGS))) keys per tag, 64-byte values, \`DEBUG POPULATE\`), and a
standalone redis-server with the very same keys and values. Targets: an empty 3-master cluster with the same slot
split, and an empty standalone server. After each copy: key count equal, and \`DEBUG DIGEST\` of the standalone
target, and of each target master, equal to its source counterpart. Wall includes JVM/Flink start-up and the
source's BGSAVE; \"first key\" and \"last key\" come from polling the targets' \`DBSIZE\` every 100 ms.

$TABLE

Machine: $(nproc) cores, ${MEM_G} GB RAM, redis-server $REDIS_V, Java $JAVA_V, $DATE.
<!-- end: $TAG -->"
  SECTION="${SECTION//$WORK/\$WORK}"
  write_doc_section "$DOCF" "$TAG" "$SECTION"
fi
