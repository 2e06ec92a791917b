#!/usr/bin/env python3
"""What each way of writing a snapshot key costs the destination.

For every value shape below, N keys are made on a scratch server; their DUMP payloads become a RESTORE stream
(what the job's fast path sends: RESTORE key ttl payload REPLACE ABSTTL) and their values a stream of plain
commands (SET / SET … PXAT / HSET / SADD / RPUSH / ZADD). Each stream is sent with `redis-cli --pipe` into a fresh,
empty destination; measured there: the server's CPU seconds (INFO cpu, user+sys) and `INFO commandstats`
usec_per_call. Both streams end with the same data (checked with DEBUG DIGEST).

  bench/write-cost.py [N]        default N=200000; REDIS_SERVER / REDIS_CLI pick the binaries
  DOC=yes bench/write-cost.py    also writes the table into docs/benchmarks.md
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
SERVER = os.environ.get("REDIS_SERVER") or shutil.which("redis-server")
CLI = os.environ.get("REDIS_CLI") or shutil.which("redis-cli")
FUTURE_MS = int(time.time() * 1000) + 3 * 24 * 3600 * 1000


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


# name -> (element count, commands that build key i, as lists of args)
def string_small(i):
    return [["SET", "k%d" % i, "value-%08d" % i]]


def string_ttl(i):
    return [["SET", "k%d" % i, "value-%08d" % i, "PXAT", FUTURE_MS + i]]


def string_int(i):
    return [["SET", "k%d" % i, str(1_000_000 + i)]]


def hash10(i):
    args = ["HSET", "k%d" % i]
    for f in range(10):
        args += ["field%d" % f, "v%d-%d" % (i, f)]
    return [args]


def set10(i):
    return [["SADD", "k%d" % i] + ["member-%d-%d" % (i, m) for m in range(10)]]


def intset10(i):
    return [["SADD", "k%d" % i] + [str(i * 10 + m) for m in range(10)]]


def list10(i):
    return [["RPUSH", "k%d" % i] + ["item-%d-%d" % (i, m) for m in range(10)]]


def zset10(i):
    args = ["ZADD", "k%d" % i]
    for m in range(10):
        args += [str(m * 1.5), "m%d-%d" % (i, m)]
    return [args]


def hash100(i):
    args = ["HSET", "k%d" % i]
    for f in range(100):
        args += ["field%d" % f, "v%d" % f]
    return [args]


SHAPES = [
    ("string, 14 B", string_small, 1),
    ("string, 14 B, with TTL (`SET … PXAT`)", string_ttl, 1),
    ("string, integer", string_int, 1),
    ("hash, 10 fields (listpack)", hash10, 1),
    ("set, 10 members (listpack)", set10, 1),
    ("set, 10 integers (intset)", intset10, 1),
    ("list, 10 items (quicklist)", list10, 1),
    ("zset, 10 members (listpack)", zset10, 1),
    ("hash, 100 fields (listpack)", hash100, 0.2),
]


class Server:
    def __init__(self, work, name):
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir, exist_ok=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen([SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--enable-debug-command", "yes", "--dir", self.dir,
                                      "--logfile", os.path.join(self.dir, "log")])
        for _ in range(200):
            try:
                self.sock = socket.create_connection(("127.0.0.1", self.port))
                self.buf = b""
                return
            except OSError:
                time.sleep(0.02)
        raise SystemExit("redis-server did not start")

    def _recv(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise ConnectionError("connection closed")
        self.buf += data

    def _line(self):
        while b"\r\n" not in self.buf:
            self._recv()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _reply(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._recv()
            v, self.buf = self.buf[:n], self.buf[n + 2:]
            return v
        if t == b"*":
            return [self._reply() for _ in range(int(rest))]
        if t == b"-":
            raise RuntimeError(rest.decode())
        return rest

    def call(self, *args):
        self.sock.sendall(resp(*args))
        return self._reply()

    def pipeline(self, commands):
        self.sock.sendall(b"".join(resp(*c) for c in commands))
        return [self._reply() for _ in commands]

    def info(self, section):
        out = {}
        for line in self.call("INFO", section).decode().splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                out[k] = v
        return out

    def cpu(self):
        i = self.info("cpu")
        return float(i["used_cpu_user"]) + float(i["used_cpu_sys"])

    def stop(self):
        try:
            self.call("SHUTDOWN", "NOSAVE")
        except Exception:
            pass
        self.proc.wait()


def usec_per_call(server):
    stats = {}
    for k, v in server.info("commandstats").items():
        fields = dict(x.split("=") for x in v.split(","))
        stats[k[len("cmdstat_"):]] = (int(fields["calls"]), float(fields["usec"]))
    return stats


def send(work, name, stream):
    path = os.path.join(work, name + ".resp")
    with open(path, "wb") as f:
        f.write(stream)
    dest = Server(work, name)
    dest.call("CONFIG", "RESETSTAT")
    cpu0 = dest.cpu()
    t0 = time.time()
    with open(path, "rb") as f:
        subprocess.run([CLI, "-h", "127.0.0.1", "-p", str(dest.port), "--pipe"], stdin=f, check=True,
                       stdout=subprocess.DEVNULL)
    wall = time.time() - t0
    cpu = dest.cpu() - cpu0
    stats = usec_per_call(dest)
    digest = dest.call("DEBUG", "DIGEST")
    dest.stop()
    os.remove(path)
    return wall, cpu, stats, digest


def main():
    work = tempfile.mkdtemp(prefix="write-cost-")
    rows = []
    try:
        for label, make, scale in SHAPES:
            n = max(1000, int(N * scale))
            model = Server(work, "model")
            plain = []
            for i in range(n):
                plain.extend(make(i))
            for i in range(0, len(plain), 10_000):
                model.pipeline(plain[i:i + 10_000])
            want = model.call("DEBUG", "DIGEST")
            restore = []
            for i in range(0, n, 10_000):
                keys = ["k%d" % j for j in range(i, min(n, i + 10_000))]
                dumps = model.pipeline([["DUMP", k] for k in keys])
                ttls = model.pipeline([["PEXPIRETIME", k] for k in keys])
                for k, d, t in zip(keys, dumps, ttls):
                    at = int(t) if int(t) > 0 else 0
                    restore.append(resp("RESTORE", k, at, d, "REPLACE", "ABSTTL"))
            model.stop()
            r_wall, r_cpu, r_stats, r_digest = send(work, "restore", b"".join(restore))
            p_wall, p_cpu, p_stats, p_digest = send(work, "plain", b"".join(resp(*c) for c in plain))
            if not (r_digest == p_digest == want):
                raise SystemExit("%s: digests differ (model %s, restore %s, plain %s)" % (label, want, r_digest, p_digest))
            r_us = r_stats["restore"][1] / n
            p_us = sum(usec for calls, usec in p_stats.values()) / n
            rows.append((label, n, r_us, p_us, r_cpu / n * 1e6, p_cpu / n * 1e6, r_wall, p_wall))
            print("%-40s n=%d RESTORE %.2f us/key (cpu %.2f) plain %.2f us/key (cpu %.2f)"
                  % (label, n, r_us, r_cpu / n * 1e6, p_us, p_cpu / n * 1e6), file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    version = subprocess.run([SERVER, "--version"], capture_output=True, text=True).stdout.split()[2]
    lines = ["<!-- begin: write-cost -->",
             "### Destination cost per snapshot key: RESTORE against plain commands (`bench/write-cost.py`)",
             "",
             "Produced by `bench/write-cost.py %d` on %s (%s, `redis-cli --pipe` into an empty server; both ends equal"
             " by `DEBUG DIGEST`). µs/key: the destination's `INFO commandstats` time inside the commands per key;"
             " CPU µs/key: its whole CPU (parsing, networking included) per key." % (N, time.strftime("%Y-%m-%d"), version),
             "",
             "| value | keys | RESTORE µs/key | plain µs/key | RESTORE CPU µs/key | plain CPU µs/key | plain / RESTORE (CPU) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for label, n, r_us, p_us, r_cpu, p_cpu, _, _ in rows:
        lines.append("| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f |" % (label, n, r_us, p_us, r_cpu, p_cpu, p_cpu / r_cpu))
    lines.append("<!-- end: write-cost -->")
    table = "\n".join(lines)
    print(table)
    if os.environ.get("DOC") == "yes":
        doc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "benchmarks.md")
        subprocess.run(["bash", "-c", 'source "$0"; write_doc_section "$1" write-cost "$2"',
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib.sh"), doc, table], check=True)


if __name__ == "__main__":
    main()
