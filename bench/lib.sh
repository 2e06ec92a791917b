# Shared helpers of the bench/ scripts. Source it after setting BENCH (the script's name, for messages), WORK (temp
# dir), PIDS (array of started processes), REDIS_SERVER and REDIS_CLI.

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { echo "$BENCH: FAIL: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }

# A free loopback port (never 6379) whose cluster bus port (+10000) is free too.
free_port() {
  local p tries=0
  while (( tries++ < 200 )); do
    p=$(( 20000 + RANDOM % 20000 ))
    [[ $p == 6379 || $p == 16379 ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && ! (exec 3<>"/dev/tcp/127.0.0.1/$((p + 10000))") 2>/dev/null; then
      echo "$p"; return
    fi
  done
  die "no free port"
}

cli() { local port=$1; shift; "$REDIS_CLI" -h 127.0.0.1 -p "$port" "$@"; }

# start_redis NAME [redis-server options] -> sets REDIS_PORT, REDIS_PID
start_redis() {
  local name=$1; shift
  local dir="$WORK/$name"; mkdir -p "$dir"
  REDIS_PORT=$(free_port)
  "$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes --dir "$dir" \
    --save '' --appendonly no --enable-debug-command yes --logfile "$dir/redis.log" "$@" &
  REDIS_PID=$!
  PIDS+=("$REDIS_PID")
  local i
  for i in $(seq 100); do
    [[ "$(cli "$REDIS_PORT" PING 2>/dev/null)" == PONG ]] && return
    kill -0 "$REDIS_PID" 2>/dev/null || die "$name redis-server exited: $(tail -5 "$dir/redis.log")"
    sleep 0.05
  done
  die "$name redis-server did not answer on $REDIS_PORT"
}

stop_redis() {  # port pid
  cli "$1" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
  wait "$2" 2>/dev/null || true
}

info_field() { cli "$1" INFO "$2" | tr -d '\r' | awk -F: -v k="$3" '$1==k{print $2}'; }

# write_doc_section FILE TAG SECTION: replaces the block between "<!-- begin: TAG -->" and "<!-- end: TAG -->" in
# FILE with SECTION (which carries both markers), or appends SECTION when the block is not there yet.
write_doc_section() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys, re
path, tag, section = sys.argv[1:4]
text = open(path).read()
pat = re.compile(r"<!-- begin: " + re.escape(tag) + r" -->.*?<!-- end: " + re.escape(tag) + r" -->", re.S)
if pat.search(text):
    text = pat.sub(lambda m: section, text)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
  log "updated $(basename "$1") ($2)"
}
