package io.redismigrate.job;

import io.redismigrate.connector.progress.Progress;

import java.io.PrintStream;

/** Prints, every {@code intervalMs}, where each source split stands (embedded runs: source and sink share the JVM). */
final class ConsoleProgress {
    private ConsoleProgress() {}

    static Thread start(PrintStream out, long intervalMs) {
        Thread t = new Thread(() -> {
            long lastApplied = 0;
            long lastTime = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                long applied = 0;
                for (Progress.SplitProgress p : Progress.all().values()) {
                    applied += p.commandsApplied;
                    out.printf("redis-migrate: %s %s: lag %s, latency %s, applied offset %d%n", p.splitId(), p.phase,
                            p.lagBytes() < 0 ? "?" : p.lagBytes() + " B", p.latencyMs < 0 ? "?" : p.latencyMs + " ms",
                            p.appliedOffset);
                }
                double rate = (applied - lastApplied) / ((now - lastTime) / 1e9);
                if (applied > 0) out.printf("redis-migrate: %,d commands applied (%,.0f/s)%n", applied, rate);
                lastApplied = applied;
                lastTime = now;
            }
        }, "redis-migrate-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
