package io.redismigrate.connector.source.reader;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.logging.LogContext;
import io.redismigrate.connector.source.RedisSourceConfig;
import io.redismigrate.connector.source.split.RedisSplit;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.metrics.MetricGroup;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Fetcher side: starts a {@link ReplicationSession} per split and drains their queues in batches. */
public final class RedisSplitReader implements SplitReader<RedisEvent, RedisSplit> {
    private final RedisSourceConfig config;
    private final SessionMetrics metrics;
    private final Map<String, ReplicationSession> sessions = new LinkedHashMap<>();
    private volatile boolean wakeUp;
    /** The task thread's logging context (job id): the fetcher thread that adds splits may not have it. */
    private final Map<String, String> logContext = LogContext.capture();

    private final ProgressLog progressLog;

    public RedisSplitReader(RedisSourceConfig config, MetricGroup metricGroup) {
        this.config = config;
        this.metrics = new SessionMetrics(metricGroup);
        this.progressLog = new ProgressLog(() -> List.copyOf(splitIds));
        progressLog.start();
    }

    /** The ids of {@link #sessions}, readable from the progress log's thread. */
    private final Set<String> splitIds = ConcurrentHashMap.newKeySet();

    @Override
    public RecordsWithSplitIds<RedisEvent> fetch() throws IOException {
        RecordsBySplits.Builder<RedisEvent> out = new RecordsBySplits.Builder<>();
        long deadline = System.currentTimeMillis() + 100;
        wakeUp = false;
        boolean got = false;
        while (!got && !wakeUp && !sessions.isEmpty()) {
            for (Iterator<Map.Entry<String, ReplicationSession>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, ReplicationSession> e = it.next();
                List<RedisEvent> batch;
                try {
                    batch = e.getValue().queue().poll(sessions.size() == 1 ? 50 : 0);
                } catch (IOException ex) {
                    throw ex;
                } catch (Exception ex) {
                    throw new IOException(ex.getMessage(), ex);
                }
                if (batch != null) {
                    out.addAll(e.getKey(), batch);
                    got = true;
                } else if (e.getValue().queue().isEnded()) {
                    out.addFinishedSplit(e.getKey());
                    e.getValue().stop();
                    it.remove();
                    splitIds.remove(e.getKey());
                    got = true;
                }
            }
            if (!got && (sessions.size() != 1) && System.currentTimeMillis() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (System.currentTimeMillis() >= deadline) break;
        }
        return out.build();
    }

    @Override
    public void handleSplitsChanges(SplitsChange<RedisSplit> change) {
        if (!(change instanceof SplitsAddition)) return;
        for (RedisSplit split : change.splits()) {
            metrics.registerSplit(split.splitId());
            ReplicationSession s = new ReplicationSession(split, config, metrics, logContext);
            sessions.put(split.splitId(), s);
            splitIds.add(split.splitId());
            s.start();
        }
    }

    @Override
    public void wakeUp() {
        wakeUp = true;
    }

    @Override
    public void close() {
        progressLog.stop();
        for (ReplicationSession s : sessions.values()) s.stop();
        sessions.clear();
    }
}
