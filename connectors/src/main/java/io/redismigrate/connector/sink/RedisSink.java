package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.RedisEvent;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Flink Sink V2 that applies {@link RedisEvent}s to a destination Redis. At-least-once: every checkpoint waits
 * until the destination has answered everything written before it; the stream phase is exactly-once through
 * fences on the target. The writers checkpoint the fences they applied ({@link AppliedFences}) and, restored,
 * refuse to continue on a target that no longer holds them.
 */
public class RedisSink implements Sink<RedisEvent>, SupportsWriterState<RedisEvent, AppliedFences> {
    private static final long serialVersionUID = 1L;

    private final RedisSinkConfig config;

    public RedisSink(RedisSinkConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public StatefulSinkWriter<RedisEvent, AppliedFences> createWriter(WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<RedisEvent, AppliedFences> restoreWriter(WriterInitContext context,
                                                                       Collection<AppliedFences> restored) throws IOException {
        return config.cluster() ? new ClusterSinkWriter(config, context, restored)
                : new RedisSinkWriter(config, context, restored);
    }

    @Override
    public SimpleVersionedSerializer<AppliedFences> getWriterStateSerializer() {
        return new AppliedFencesSerializer();
    }

    public RedisSinkConfig config() {
        return config;
    }
}
