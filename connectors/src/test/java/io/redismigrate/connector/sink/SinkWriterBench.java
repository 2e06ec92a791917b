package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestWriterContext;

import java.nio.charset.StandardCharsets;

/** Scratch throughput check (not a test): RESTOREs of small keys through one writer. Args: [keys] [rounds]. */
public final class SinkWriterBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            source.binary().set("k".getBytes(), "value-0123456789".getBytes());
            byte[] payload = source.binary().dump("k".getBytes());
            RedisEvent[] events = new RedisEvent[n];
            for (int i = 0; i < n; i++) {
                byte[] key = ("key:" + i).getBytes(StandardCharsets.US_ASCII);
                events[i] = RedisEvent.restore("s", i, 0, key, 0, payload, null);
            }
            RedisSinkConfig config = RedisSinkConfig.of(RedisEndpoint.parse(target.uri()));
            for (int r = 0; r < rounds; r++) {
                target.sync().flushall();
                long t0 = System.nanoTime();
                try (RedisSinkWriter w = new RedisSinkWriter(config, new TestWriterContext())) {
                    for (RedisEvent e : events) w.write(e, null);
                    w.flush(true);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("round %d: %d RESTOREs in %.2f s = %.0f k/s, dbsize %d%n", r, n, s, n / s / 1000,
                        target.sync().dbsize());
            }
        }
    }
}
