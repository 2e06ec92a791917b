package io.redismigrate.connector.sink;

import io.lettuce.core.api.sync.RedisCommands;
import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.event.RedisEventTypeInfo;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.testutils.RedisServer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RedisSinkMiniClusterTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void jobWritesEveryEventInOrderPerKey() throws Exception {
        int keys = 200;
        int pushes = 25;
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            source.binary().set(b("template"), b("restored value"));
            byte[] payload = source.binary().dump(b("template"));
            long expireAt = System.currentTimeMillis() + 3_600_000;

            List<RedisEvent> events = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                events.add(RedisEvent.restore("split-0", k, k % 3, b("snap:" + k), k % 2 == 0 ? expireAt : 0, payload, null));
            }
            long offset = keys;
            for (int p = 0; p < pushes; p++) {
                for (int k = 0; k < keys; k++) {
                    byte[] key = b("list:" + k);
                    events.add(RedisEvent.command("split-0", offset++, k % 3, key,
                            new byte[][] {b("RPUSH"), key, b(Integer.toString(p))}));
                }
            }

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            RedisSinkConfig config = RedisSinkConfig.of(RedisEndpoint.parse(target.uri()));
            env.fromData(events, RedisEventTypeInfo.INSTANCE)
                    .keyBy(RedisEvent::routingSlot)
                    .sinkTo(new RedisSink(config));
            env.execute("redis-sink-test");

            RedisCommands<String, String> t = target.sync();
            List<String> expectedList = new ArrayList<>();
            for (int p = 0; p < pushes; p++) expectedList.add(Integer.toString(p));
            for (int db = 0; db < 3; db++) {
                t.select(db);
                long expectedKeys = 0;
                for (int k = db; k < keys; k += 3) {
                    expectedKeys += 2;
                    assertEquals("restored value", t.get("snap:" + k), "snap:" + k + " in db " + db);
                    assertEquals(k % 2 == 0 ? expireAt : -1L, t.pexpiretime("snap:" + k), "expiry of snap:" + k);
                    assertEquals(expectedList, t.lrange("list:" + k, 0, -1), "list:" + k + " in db " + db);
                }
                assertEquals(expectedKeys, t.dbsize(), "keys in db " + db);
            }
            t.select(0);
        }
    }
}
