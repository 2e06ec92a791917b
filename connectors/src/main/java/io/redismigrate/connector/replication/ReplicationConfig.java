package io.redismigrate.connector.replication;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * Settings of a {@link ReplicationClient}. Immutable; start from {@link #defaults()} and change fields with the
 * {@code with…} methods. Serializable so that it can travel inside a Flink source.
 */
public final class ReplicationConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Redis' own default repl-timeout: a source that sends nothing for this long is considered gone. */
    public static final int DEFAULT_READ_TIMEOUT_MS = 60_000;
    public static final long DEFAULT_SPOOL_MEMORY_BYTES = 64L << 20;
    public static final long DEFAULT_SPOOL_MAX_BYTES = 10L << 30;

    private final int listeningPort;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final int ackIntervalMs;
    private final String spoolDir;
    private final long spoolMemoryBytes;
    private final long spoolMaxBytes;

    private ReplicationConfig(int listeningPort, int connectTimeoutMs, int readTimeoutMs, int ackIntervalMs,
                              String spoolDir, long spoolMemoryBytes, long spoolMaxBytes) {
        if (listeningPort < 0 || listeningPort > 65535) throw new IllegalArgumentException("listening port must be 0..65535, not " + listeningPort);
        if (connectTimeoutMs <= 0) throw new IllegalArgumentException("connect timeout must be > 0 ms");
        if (readTimeoutMs < 0) throw new IllegalArgumentException("read timeout must be >= 0 ms (0 = none)");
        if (ackIntervalMs < 0) throw new IllegalArgumentException("ack interval must be >= 0 ms (0 = no automatic ACK)");
        if (spoolMemoryBytes < 0) throw new IllegalArgumentException("spool memory must be >= 0 bytes");
        if (spoolMaxBytes < 1) throw new IllegalArgumentException("spool size must be > 0 bytes");
        this.listeningPort = listeningPort;
        this.connectTimeoutMs = connectTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
        this.ackIntervalMs = ackIntervalMs;
        this.spoolDir = spoolDir;
        this.spoolMemoryBytes = spoolMemoryBytes;
        this.spoolMaxBytes = spoolMaxBytes;
    }

    /**
     * Listening port 0, connect timeout 5 s, read timeout 60 s, automatic ACK every second, spool 64 MiB in
     * memory and up to 10 GiB in total under {@code java.io.tmpdir/redis-migrate-spool}.
     */
    public static ReplicationConfig defaults() {
        return new ReplicationConfig(0, 5000, DEFAULT_READ_TIMEOUT_MS, 1000, null,
                DEFAULT_SPOOL_MEMORY_BYTES, DEFAULT_SPOOL_MAX_BYTES);
    }

    /** Port announced with {@code REPLCONF listening-port}; shown by the source's {@code INFO replication}. */
    public int listeningPort() { return listeningPort; }
    public int connectTimeoutMs() { return connectTimeoutMs; }
    /** Longest silence tolerated on the replication connection (the source pings every 10 s by default). */
    public int readTimeoutMs() { return readTimeoutMs; }
    /**
     * How often the last acknowledged offset is re-sent. The source drops a PSYNC replica whose last ACK is
     * older than its {@code repl-timeout}, so this must stay well below it even while the consumer is stalled.
     */
    public int ackIntervalMs() { return ackIntervalMs; }
    /**
     * Parent of the spool directories. Unset means {@code java.io.tmpdir/redis-migrate-spool}, resolved in the JVM
     * that reads (a TaskManager), not in the one that built the configuration.
     */
    public String spoolDir() {
        return spoolDir != null ? spoolDir : Path.of(System.getProperty("java.io.tmpdir"), "redis-migrate-spool").toString();
    }
    /** Bytes of the spool kept in memory before it overflows to files. */
    public long spoolMemoryBytes() { return spoolMemoryBytes; }
    /** Most bytes held (memory + files); when reached the socket reader blocks. */
    public long spoolMaxBytes() { return spoolMaxBytes; }

    public ReplicationConfig withListeningPort(int v) {
        return new ReplicationConfig(v, connectTimeoutMs, readTimeoutMs, ackIntervalMs, spoolDir, spoolMemoryBytes, spoolMaxBytes);
    }

    public ReplicationConfig withConnectTimeoutMs(int v) {
        return new ReplicationConfig(listeningPort, v, readTimeoutMs, ackIntervalMs, spoolDir, spoolMemoryBytes, spoolMaxBytes);
    }

    public ReplicationConfig withReadTimeoutMs(int v) {
        return new ReplicationConfig(listeningPort, connectTimeoutMs, v, ackIntervalMs, spoolDir, spoolMemoryBytes, spoolMaxBytes);
    }

    public ReplicationConfig withAckIntervalMs(int v) {
        return new ReplicationConfig(listeningPort, connectTimeoutMs, readTimeoutMs, v, spoolDir, spoolMemoryBytes, spoolMaxBytes);
    }

    public ReplicationConfig withSpoolDir(String v) {
        return new ReplicationConfig(listeningPort, connectTimeoutMs, readTimeoutMs, ackIntervalMs, v, spoolMemoryBytes, spoolMaxBytes);
    }

    public ReplicationConfig withSpoolMemoryBytes(long v) {
        return new ReplicationConfig(listeningPort, connectTimeoutMs, readTimeoutMs, ackIntervalMs, spoolDir, v, spoolMaxBytes);
    }

    public ReplicationConfig withSpoolMaxBytes(long v) {
        return new ReplicationConfig(listeningPort, connectTimeoutMs, readTimeoutMs, ackIntervalMs, spoolDir, spoolMemoryBytes, v);
    }

    @Override
    public String toString() {
        return "ReplicationConfig{listeningPort=" + listeningPort + ", connectTimeoutMs=" + connectTimeoutMs
                + ", readTimeoutMs=" + readTimeoutMs + ", ackIntervalMs=" + ackIntervalMs + ", spoolDir=" + spoolDir
                + ", spoolMemoryBytes=" + spoolMemoryBytes + ", spoolMaxBytes=" + spoolMaxBytes + "}";
    }
}
