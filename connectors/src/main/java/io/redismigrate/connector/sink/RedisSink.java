package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.RedisEvent;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;
import java.util.Objects;

/**
 * Flink Sink V2 that applies {@link RedisEvent}s to a destination Redis. At-least-once: every checkpoint waits
 * until the destination has answered everything written before it.
 */
public class RedisSink implements Sink<RedisEvent> {
    private static final long serialVersionUID = 1L;

    private final RedisSinkConfig config;

    public RedisSink(RedisSinkConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public SinkWriter<RedisEvent> createWriter(WriterInitContext context) throws IOException {
        return config.cluster() ? new ClusterSinkWriter(config, context) : new RedisSinkWriter(config, context);
    }

    public RedisSinkConfig config() {
        return config;
    }
}
