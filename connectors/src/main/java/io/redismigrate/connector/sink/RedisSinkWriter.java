package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.RedisEvent;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import java.io.IOException;

/**
 * Writes events to a standalone destination over one {@link PipelinedConnection}: RESTORE events as
 * {@code RESTORE … REPLACE ABSTTL} (or a relative TTL for old destinations), COMMAND events as their args.
 * {@link #flush} (checkpoint, end of input) returns once every command is answered and throws the first error.
 */
public class RedisSinkWriter implements SinkWriter<RedisEvent> {
    private final RedisSinkConfig config;
    private final PipelinedConnection connection;
    private final ProcessingTimeService timers;
    private final Counter numRecordsSend;
    private final Counter expiredSkipped;
    private boolean flushTimerPending;
    private boolean closed;

    public RedisSinkWriter(RedisSinkConfig config, WriterInitContext context) throws IOException {
        this.config = config;
        SinkWriterMetricGroup metrics = context.metricGroup();
        Counter commands = metrics.counter("commandsWritten");
        Counter bytes = new SplitCounter(metrics.counter("bytesWritten"), metrics.getNumBytesSendCounter());
        this.numRecordsSend = metrics.getNumRecordsSendCounter();
        this.expiredSkipped = metrics.counter("expiredKeysSkipped");
        this.timers = context.getProcessingTimeService();
        this.connection = PipelinedConnection.open(config.target(), config, commands, bytes);
        metrics.gauge("inFlight", (Gauge<Integer>) connection::inFlight);
    }

    @Override
    public void write(RedisEvent event, Context context) throws IOException, InterruptedException {
        if (event.kind() == RedisEvent.Kind.RESTORE) {
            long expireAt = event.expireAtMs();
            if (config.useAbsTtl()) {
                connection.sendRestore(event, expireAt, true);
            } else {
                long ttl = 0;
                if (expireAt != 0) {
                    ttl = expireAt - System.currentTimeMillis();
                    if (ttl <= 0) { // expired in transit: the source no longer has it either
                        expiredSkipped.inc();
                        return;
                    }
                }
                connection.sendRestore(event, ttl, false);
            }
        } else {
            connection.sendCommand(event);
        }
        numRecordsSend.inc();
        if (!flushTimerPending) scheduleIdleFlush();
    }

    /** Without input for a while, Flink calls nothing: a timer sends what waits in the buffer. */
    private void scheduleIdleFlush() {
        if (timers == null || config.flushIntervalMs() <= 0) return;
        flushTimerPending = true;
        timers.registerTimer(timers.getCurrentProcessingTime() + config.flushIntervalMs(), time -> {
            flushTimerPending = false;
            if (!closed && connection.hasUnflushed()) connection.flushOutput();
        });
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        connection.awaitReplies();
    }

    @Override
    public void close() throws Exception {
        closed = true;
        connection.close();
    }

    /** Commands in flight, for tests and monitoring. */
    public int inFlight() {
        return connection.inFlight();
    }

    /** Feeds one increment to two counters (our bytesWritten and Flink's standard numBytesSend). */
    private static final class SplitCounter implements Counter {
        private final Counter a;
        private final Counter b;

        SplitCounter(Counter a, Counter b) {
            this.a = a;
            this.b = b;
        }

        @Override public void inc() { a.inc(); b.inc(); }
        @Override public void inc(long n) { a.inc(n); b.inc(n); }
        @Override public void dec() { a.dec(); b.dec(); }
        @Override public void dec(long n) { a.dec(n); b.dec(n); }
        @Override public long getCount() { return a.getCount(); }
    }
}
