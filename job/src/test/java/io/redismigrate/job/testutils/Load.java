package io.redismigrate.job.testutils;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.redismigrate.connector.testutils.RedisServer;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sustained non-idempotent writes on a source from a background thread, on its own connection: INCR, LPUSH,
 * RPOPLPUSH, LTRIM, APPEND, HINCRBY, ZINCRBY, XADD, INCRBYFLOAT, MULTI/EXEC and EVAL, in DBs 0 and 2. A duplicated
 * or a lost command leaves the destination different from the source.
 */
public final class Load implements AutoCloseable {
    private final RedisClient client;
    private final Thread thread;
    private final AtomicLong ops = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopped;

    private Load(RedisServer source, String prefix, int opsPerSecond) {
        RedisURI.Builder uri = RedisURI.builder().withHost("127.0.0.1").withPort(source.port()).withTimeout(Duration.ofSeconds(30));
        if (source.clientPassword() != null) uri.withPassword(source.clientPassword().toCharArray());
        client = RedisClient.create(uri.build());
        StatefulRedisConnection<String, String> connection = client.connect();
        RedisCommands<String, String> r = connection.sync();
        thread = new Thread(() -> {
            Random rnd = new Random(7);
            long started = System.nanoTime();
            try {
                while (!stopped) {
                    long i = ops.get();
                    if (i % 200 == 0) r.select(i % 400 == 0 ? 0 : 2);
                    String p = prefix;
                    switch ((int) (i % 12)) {
                        case 0: r.incr(p + "counter:" + rnd.nextInt(10)); break;
                        case 1: r.lpush(p + "list", "v" + i); break;
                        case 2: r.rpoplpush(p + "list", p + "list2"); break;
                        case 3: r.ltrim(p + "list2", 0, 199); break;
                        case 4: r.append(p + "append:" + rnd.nextInt(5), "x" + (i % 10)); break;
                        case 5: r.hincrby(p + "hash", "f" + rnd.nextInt(20), 1); break;
                        case 6: r.zincrby(p + "zset", 1.5, "m" + rnd.nextInt(30)); break;
                        case 7: r.xadd(p + "stream", "i", String.valueOf(i)); break;
                        case 8: r.incrbyfloat(p + "float", 0.1); break;
                        case 9:
                            r.multi();
                            r.incr(p + "tx:counter");
                            r.lpush(p + "tx:list", "t" + i);
                            r.ltrim(p + "tx:list", 0, 99);
                            r.exec();
                            break;
                        case 10:
                            r.eval("redis.call('INCR', KEYS[1]); return redis.call('APPEND', KEYS[2], ARGV[1])",
                                    ScriptOutputType.INTEGER, new String[] {p + "eval:counter", p + "eval:append"}, "e");
                            break;
                        default: r.lpop(p + "list"); break;
                    }
                    long n = ops.incrementAndGet();
                    long due = started + n * 1_000_000_000L / opsPerSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 1_000_000) Thread.sleep(wait / 1_000_000);
                }
            } catch (Throwable t) {
                if (!stopped) failure.set(t);
            } finally {
                connection.close();
            }
        }, "source-load");
        thread.setDaemon(true);
    }

    /** Starts the load at about {@code opsPerSecond}. */
    public static Load start(RedisServer source, String prefix, int opsPerSecond) {
        Load l = new Load(source, prefix, opsPerSecond);
        l.thread.start();
        return l;
    }

    public long ops() {
        return ops.get();
    }

    /** Stops the load and waits for the last command to be answered; throws what the load thread met. */
    public long stop() throws InterruptedException {
        stopped = true;
        thread.join(30_000);
        Throwable t = failure.get();
        if (t != null) throw new AssertionError("the load failed after " + ops.get() + " commands: " + t, t);
        return ops.get();
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(30_000);
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
