package io.redismigrate.connector.logging;

import org.slf4j.MDC;

import java.util.Map;

/**
 * Threads of our own that log with the logging context (MDC) of the thread that created them. Flink puts the job
 * id into the MDC of its task threads ({@code flink-job-id}), and the log pattern of flink-conf/ prints it; a plain
 * {@code new Thread} would lose it, so a TaskManager running several jobs could not tell whose replication link
 * a line is about.
 */
public final class LogContext {
    private LogContext() {}

    /** The calling thread's logging context, to hand to threads created later elsewhere; may be null. */
    public static Map<String, String> capture() {
        return MDC.getCopyOfContextMap();
    }

    /** A daemon thread running {@code body} with the calling thread's logging context. */
    public static Thread daemon(Runnable body, String name) {
        return daemon(capture(), body, name);
    }

    /** A daemon thread running {@code body} with {@code context} (from {@link #capture()}). */
    public static Thread daemon(Map<String, String> context, Runnable body, String name) {
        Thread t = new Thread(() -> {
            if (context != null) MDC.setContextMap(context);
            body.run();
        }, name);
        t.setDaemon(true);
        return t;
    }
}
