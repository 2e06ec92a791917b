#!/usr/bin/env python3
"""Helpers of bench/incremental.sh (one persistent connection per node, so sampling every 100 ms costs nothing).

  incremental-probe.py sample OUT SRC REP TGT FENCE_KEY INTERVAL_MS STOPFILE
      every INTERVAL_MS until STOPFILE exists, one line per tick:
        t_src src_offset src_writes  t_rep rep_offset rep_writes  t_tgt fence tgt_writes
      t_* are time.time() right after each reply; *_writes = calls of SET+INCR+LPUSH+HSET from INFO commandstats
      (on the target minus the EXEC calls: each batch adds one SET of the fence); fence = -1 while absent.
  incremental-probe.py load PORT RATE SECONDS SEED
      writes RATE commands/s for SECONDS to 127.0.0.1:PORT, in chunks every 10 ms, the same four commands and key
      shapes as `redis-benchmark -t set,incr,lpush,hset -r 100000` (SET key:<12 digits> xxx, INCR counter:<..>,
      LPUSH mylist xxx, HSET myhash element:<..> xxx), interleaved round-robin; replies are read by a second
      thread. Prints "sent <n> replies <n> errors <n> seconds <s> rate <cmd/s> max_outstanding <n>".
  incremental-probe.py lag SAMPLES T0 T1 WHICH
      time-based lag (ms) of WHICH (rep|job) for the samples taken in [T0, T1]: for each sample, how long ago the
      source went beyond the offset the copy has applied, i.e. the age of the oldest write not yet applied (source
      offsets interpolated linearly between samples; 0 when the copy is level with the source).
      Prints "n p50 p90 p99 max" (ms).
"""
import os
import random
import socket
import sys
import threading
import time

WRITES = ("cmdstat_set", "cmdstat_incr", "cmdstat_lpush", "cmdstat_hset")


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", int(port)))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.f = self.s.makefile("rb")

    def call(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)
        return self.read()

    def read(self):
        line = self.f.readline()
        t, rest = line[:1], line[1:-2]
        if t in (b"+", b":"):
            return rest
        if t == b"-":
            raise RuntimeError(rest.decode())
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.f.read(n + 2)
            return data[:-2]
        if t == b"*":
            return [self.read() for _ in range(int(rest))]
        raise RuntimeError("unexpected reply %r" % line)


def info(conn):
    """INFO replication + commandstats -> (offset, writes, exec calls)."""
    text = conn.call("INFO", "replication", "commandstats").decode()
    off, writes, execs, role = -1, 0, 0, "master"
    for line in text.split("\r\n"):
        k, _, v = line.partition(":")
        if k == "role":
            role = v
        elif k == "master_repl_offset" and role == "master":
            off = int(v)
        elif k == "slave_repl_offset":
            off = int(v)
        elif k in WRITES:
            writes += int(v.split(",")[0].split("=")[1])
        elif k == "cmdstat_exec":
            execs = int(v.split(",")[0].split("=")[1])
    return off, writes, execs


def sample(out, src, rep, tgt, fence_key, interval_ms, stopfile):
    cs, cr, ct = Conn(src), Conn(rep), Conn(tgt)
    interval = int(interval_ms) / 1000.0
    nxt = time.time()
    with open(out, "w", buffering=1) as f:
        while not os.path.exists(stopfile):
            so, sw, _ = info(cs)
            ts = time.time()
            ro, rw, _ = info(cr)
            tr = time.time()
            fence = ct.call("GET", fence_key)
            _, tw, te = info(ct)
            tt = time.time()
            f.write("%.4f %d %d %.4f %d %d %.4f %d %d\n"
                    % (ts, so, sw, tr, ro, rw, tt, int(fence) if fence is not None else -1, tw - te))
            nxt += interval
            d = nxt - time.time()
            if d > 0:
                time.sleep(d)
            else:
                nxt = time.time()


def build_commands(seed, count=40000):
    rnd = random.Random(int(seed))
    cmds = []

    def enc(*args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        return out

    for i in range(count):
        r = b"%012d" % rnd.randrange(100000)
        k = i % 4
        if k == 0:
            cmds.append(enc(b"SET", b"key:" + r, b"xxx"))
        elif k == 1:
            cmds.append(enc(b"INCR", b"counter:" + r))
        elif k == 2:
            cmds.append(enc(b"LPUSH", b"mylist", b"xxx"))
        else:
            cmds.append(enc(b"HSET", b"myhash", b"element:" + r, b"xxx"))
    return cmds


def load(port, rate, seconds, seed):
    rate, seconds = float(rate), float(seconds)
    cmds = build_commands(seed)
    n = len(cmds)
    buf = b"".join(cmds)
    offs = [0]
    for c in cmds:
        offs.append(offs[-1] + len(c))
    s = socket.create_connection(("127.0.0.1", int(port)))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    state = {"replies": 0, "errors": 0, "done": False}

    def reader():
        tail = b"\n"  # every reply here is one line: +OK, :<n> or -<error>
        while True:
            data = s.recv(1 << 20)
            if not data:
                return
            state["replies"] += data.count(b"\n")
            state["errors"] += (tail + data).count(b"\n-")
            tail = data[-1:]
            if state["done"] and state["replies"] >= state["sent"]:
                return

    state["sent"] = 0
    th = threading.Thread(target=reader, daemon=True)
    th.start()
    t0 = time.time()
    sent, pos, max_out = 0, 0, 0
    while True:
        now = time.time()
        el = now - t0
        if el >= seconds:
            break
        due = int(rate * el) - sent
        if due > 0:
            parts = []
            k = due
            while k > 0:
                m = min(k, n - pos)
                parts.append(buf[offs[pos]:offs[pos + m]])
                pos = (pos + m) % n
                k -= m
            s.sendall(b"".join(parts))
            sent += due
            state["sent"] = sent
            max_out = max(max_out, sent - state["replies"])
        time.sleep(max(0.0, 0.01 - (time.time() - now)))
    state["done"] = True
    deadline = time.time() + 60
    while state["replies"] < sent and time.time() < deadline:
        time.sleep(0.005)
    el = time.time() - t0
    s.close()
    print("sent %d replies %d errors %d seconds %.2f rate %.0f max_outstanding %d"
          % (sent, state["replies"], state["errors"], el, sent / el, max_out))
    if state["replies"] < sent or state["errors"]:
        sys.exit(1)


def lag(samples, t0, t1, which):
    t0, t1 = float(t0), float(t1)
    src = []  # (time, offset) of the source, non-decreasing
    rows = []
    for line in open(samples):
        f = line.split()
        if len(f) != 9:
            continue
        ts, so = float(f[0]), int(f[1])
        src.append((ts, so))
        if which == "rep":
            rows.append((float(f[3]), int(f[4])))
        else:
            rows.append((float(f[6]), int(f[7])))
    # lag of a sample at time t with applied offset a = t - the time the source first went beyond a (the age of the
    # oldest write not yet applied); 0 when the source had not gone beyond a. Between two source samples the time is
    # interpolated linearly, so the resolution is a fraction of the sampling interval under a steady load and at
    # worst one interval when a load starts after a pause.
    lags = []
    j = 0
    for t, a in rows:
        if not (t0 <= t <= t1) or a < 0:
            continue
        while j < len(src) and src[j][1] <= a:
            j += 1
        if j >= len(src):
            lags.append(0.0)
            continue
        if j == 0:
            reached = src[0][0]
        else:
            (ta, oa), (tb, ob) = src[j - 1], src[j]
            reached = ta + (tb - ta) * (a - oa) / (ob - oa)
        lags.append(max(0.0, t - reached) * 1000)
    lags.sort()
    if not lags:
        print("0 - - - -")
        return

    def pct(p):
        return lags[min(len(lags) - 1, int(round(p / 100.0 * (len(lags) - 1))))]

    print("%d %.0f %.0f %.0f %.0f" % (len(lags), pct(50), pct(90), pct(99), lags[-1]))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"sample": sample, "load": load, "lag": lag}[cmd](*args)
