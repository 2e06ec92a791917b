package io.redismigrate.connector.testutils;

import org.apache.flink.api.common.JobInfo;
import org.apache.flink.api.common.JobInfoImpl;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.OperatorIOMetricGroup;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.UserCodeClassLoader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledFuture;

/**
 * A minimal {@link WriterInitContext} for driving a sink writer without Flink: metrics are recorded by name, and
 * processing-time timers fire only when the test calls {@link #fireTimers()} (on the test thread, like the mailbox).
 */
public final class TestWriterContext implements WriterInitContext {
    private final Metrics metrics = new Metrics();
    private final List<ProcessingTimeService.ProcessingTimeCallback> timers = new ArrayList<>();

    public Map<String, Object> metrics() { return metrics.registered; }

    public long counter(String name) {
        Object m = metrics.registered.get(name);
        if (m == null) throw new AssertionError("no metric " + name + " registered; have " + metrics.registered.keySet());
        return ((Counter) m).getCount();
    }

    public Object gauge(String name) {
        Object m = metrics.registered.get(name);
        if (m == null) throw new AssertionError("no metric " + name + " registered; have " + metrics.registered.keySet());
        return ((Gauge<?>) m).getValue();
    }

    public int pendingTimers() { return timers.size(); }

    /** Runs every registered timer callback once (they may register new ones). */
    public void fireTimers() throws Exception {
        List<ProcessingTimeService.ProcessingTimeCallback> due = new ArrayList<>(timers);
        timers.clear();
        for (ProcessingTimeService.ProcessingTimeCallback cb : due) cb.onProcessingTime(System.currentTimeMillis());
    }

    @Override
    public ProcessingTimeService getProcessingTimeService() {
        return new ProcessingTimeService() {
            @Override public long getCurrentProcessingTime() { return System.currentTimeMillis(); }
            @Override public ScheduledFuture<?> registerTimer(long time, ProcessingTimeCallback callback) {
                timers.add(callback);
                return null;
            }
        };
    }

    @Override public SinkWriterMetricGroup metricGroup() { return metrics; }
    @Override public UserCodeClassLoader getUserCodeClassLoader() { throw new UnsupportedOperationException(); }
    @Override public MailboxExecutor getMailboxExecutor() { throw new UnsupportedOperationException(); }
    @Override public SerializationSchema.InitializationContext asSerializationSchemaInitializationContext() { throw new UnsupportedOperationException(); }
    @Override public boolean isObjectReuseEnabled() { return false; }
    @Override public <IN> TypeSerializer<IN> createInputSerializer() { throw new UnsupportedOperationException(); }
    @Override public OptionalLong getRestoredCheckpointId() { return OptionalLong.empty(); }
    @Override public JobInfo getJobInfo() { return new JobInfoImpl(new JobID(), "test"); }
    @Override public TaskInfo getTaskInfo() { return new TaskInfoImpl("sink", 1, 0, 1, 0); }

    private static final class Metrics extends UnregisteredMetricsGroup implements SinkWriterMetricGroup {
        final Map<String, Object> registered = new HashMap<>();
        final Counter recordsSend = counter("numRecordsSend", new SimpleCounter());
        final Counter bytesSend = counter("numBytesSend", new SimpleCounter());

        @Override public Counter counter(String name) { return counter(name, new SimpleCounter()); }
        @Override public <C extends Counter> C counter(String name, C c) { registered.put(name, c); return c; }
        @Override public <T, G extends Gauge<T>> G gauge(String name, G g) { registered.put(name, g); return g; }
        @Override public Counter getNumRecordsOutErrorsCounter() { return new SimpleCounter(); }
        @Override public Counter getNumRecordsSendErrorsCounter() { return new SimpleCounter(); }
        @Override public Counter getNumRecordsSendCounter() { return recordsSend; }
        @Override public Counter getNumBytesSendCounter() { return bytesSend; }
        @Override public void setCurrentSendTimeGauge(Gauge<Long> g) { registered.put("currentSendTime", g); }
        @Override public OperatorIOMetricGroup getIOMetricGroup() { return UnregisteredMetricsGroup.createOperatorIOMetricGroup(); }
    }
}
