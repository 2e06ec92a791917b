package io.redismigrate.connector.sink;

import org.apache.flink.api.common.operators.ProcessingTimeService;

/**
 * Without input for a while Flink calls nothing on a writer: this timer runs the writer's flush action at the
 * latest {@code intervalMs} after a write, on the task thread, and again while the action says work is left.
 */
final class IdleFlush {
    /** The writer's flush; returns whether something is still waiting (then the timer is armed again). */
    interface Action {
        boolean run() throws Exception;
    }

    private final ProcessingTimeService timers;
    private final long intervalMs;
    private final Action action;
    private boolean pending;
    private boolean closed;

    IdleFlush(ProcessingTimeService timers, long intervalMs, Action action) {
        this.timers = timers;
        this.intervalMs = intervalMs;
        this.action = action;
    }

    /** After a write: makes sure a flush is due within the interval. */
    void arm() {
        if (pending || closed || timers == null || intervalMs <= 0) return;
        pending = true;
        timers.registerTimer(timers.getCurrentProcessingTime() + intervalMs, time -> {
            pending = false;
            if (!closed && action.run()) arm();
        });
    }

    void close() {
        closed = true;
    }
}
