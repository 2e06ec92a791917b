package io.redismigrate.job.testutils;

import io.lettuce.core.CopyArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.ZStoreArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.redismigrate.connector.testutils.RedisServer;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A write load that crosses every edge a scope option draws: keys under {@code user:} and {@code tmp:}, DBs 0–3,
 * commands moving data between them (RENAME, MOVE, COPY … DB, SMOVE, LMOVE, RPOPLPUSH, SUNIONSTORE, ZUNIONSTORE,
 * BITOP), transactions that SELECT inside MULTI, scripts that SELECT and touch both prefixes, functions (Redis ≥ 7),
 * non-idempotent commands throughout. Error replies (a RENAME of a missing key…) are part of the load: an
 * erroring command writes nothing and is not replicated.
 */
public final class ScopeLoad implements AutoCloseable {
    private static final String[] P = {"user:", "tmp:"};
    private final RedisClient client;
    private final Thread thread;
    private final AtomicLong ops = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopped;

    private ScopeLoad(RedisServer source, int opsPerSecond, boolean functions, boolean copyAndLmove) {
        client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(source.port())
                .withTimeout(Duration.ofSeconds(30)).build());
        StatefulRedisConnection<String, String> connection = client.connect();
        RedisCommands<String, String> r = connection.sync();
        if (functions) {
            r.functionLoad("#!lua name=scopelib\n"
                    + "redis.register_function('bump', function(keys, args) redis.call('INCR', keys[1]);"
                    + " return redis.call('LPUSH', keys[2], args[1]) end)", true);
        }
        thread = new Thread(() -> {
            Random rnd = new Random(11);
            long started = System.nanoTime();
            try {
                while (!stopped) {
                    long i = ops.get();
                    step(r, rnd, i, functions, copyAndLmove);
                    long n = ops.incrementAndGet();
                    long due = started + n * 1_000_000_000L / opsPerSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "scope-load");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @param functions FCALL of a library loaded first (Redis ≥ 7)
     * @param copyAndLmove COPY … DB and LMOVE (Redis ≥ 6.2); else SMOVE and RPOPLPUSH in their place
     */
    public static ScopeLoad start(RedisServer source, int opsPerSecond, boolean functions, boolean copyAndLmove) {
        return new ScopeLoad(source, opsPerSecond, functions, copyAndLmove);
    }

    private static String k(Random rnd, String type) {
        return P[rnd.nextInt(2)] + type + ":" + rnd.nextInt(8);
    }

    private static void step(RedisCommands<String, String> r, Random rnd, long i, boolean functions, boolean copyAndLmove) {
        r.select(rnd.nextInt(4));
        try {
            switch ((int) (i % 16)) {
                case 0: r.incr(k(rnd, "c")); break;
                case 1: r.lpush(k(rnd, "l"), "v" + i); break;
                case 2: r.sadd(k(rnd, "s"), "m" + rnd.nextInt(40)); break;
                case 3: r.zincrby(k(rnd, "z"), 1, "m" + rnd.nextInt(20)); break;
                case 4: r.rename(k(rnd, "c"), k(rnd, "c")); break;
                case 5: r.move(k(rnd, "l"), rnd.nextInt(4)); break;
                case 6:
                    if (copyAndLmove) r.copy(k(rnd, "s"), k(rnd, "s"), CopyArgs.Builder.destinationDb(rnd.nextInt(4)).replace(true));
                    else r.move(k(rnd, "s"), rnd.nextInt(4));
                    break;
                case 7: r.smove(k(rnd, "s"), k(rnd, "s"), "m" + rnd.nextInt(40)); break;
                case 8: r.rpoplpush(k(rnd, "l"), k(rnd, "l")); break;
                case 9: r.sunionstore(k(rnd, "s"), k(rnd, "s"), k(rnd, "s")); break;
                case 10: r.zunionstore(k(rnd, "z"), ZStoreArgs.Builder.weights(1, 2), k(rnd, "z"), k(rnd, "z")); break;
                case 11: r.bitopOr(k(rnd, "b"), k(rnd, "b"), k(rnd, "b")); r.setbit(k(rnd, "b"), rnd.nextInt(64), 1); break;
                case 12: {
                    // MULTI with SELECT inside: Redis ≥ 7.2 and Valkey replicate the SELECT inside the transaction
                    r.multi();
                    r.incr(k(rnd, "c"));
                    r.select(rnd.nextInt(4));
                    r.lpush(k(rnd, "l"), "t" + i);
                    r.ltrim(k(rnd, "l"), 0, 30);
                    r.select(rnd.nextInt(4));
                    r.append(k(rnd, "a"), "x");
                    r.exec();
                    break;
                }
                case 13:
                    r.eval("redis.call('INCR', KEYS[1]); redis.call('SELECT', ARGV[2]); redis.call('APPEND', KEYS[2], ARGV[1]);"
                            + " return redis.call('SADD', KEYS[3], ARGV[1])", ScriptOutputType.INTEGER,
                            new String[] {k(rnd, "c"), k(rnd, "a"), k(rnd, "s")}, "e" + (i % 7), String.valueOf(rnd.nextInt(4)));
                    break;
                case 14:
                    if (functions) r.fcall("bump", ScriptOutputType.INTEGER, new String[] {k(rnd, "c"), k(rnd, "l")}, "f" + i);
                    else r.linsert(k(rnd, "l"), true, "v" + (i - 1), "w" + i);
                    break;
                default:
                    if (copyAndLmove) r.lmove(k(rnd, "l"), k(rnd, "l"), io.lettuce.core.LMoveArgs.Builder.leftRight());
                    else r.rpoplpush(k(rnd, "l"), k(rnd, "l"));
            }
        } catch (io.lettuce.core.RedisCommandExecutionException e) {
            // no such key, WRONGTYPE…: nothing written, nothing replicated
            if (e.getMessage() != null && e.getMessage().contains("EXEC")) return;
            try { r.discard(); } catch (RuntimeException ignored) { /* not in MULTI */ }
        }
    }

    public long ops() {
        return ops.get();
    }

    /** Stops the load and returns how many operations ran; fails if the load itself failed. */
    public long stop() throws InterruptedException {
        stopped = true;
        thread.join(30_000);
        Throwable t = failure.get();
        if (t != null) throw new AssertionError("the load failed", t);
        return ops.get();
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(30_000);
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
