/**
 * The Flink Sink V2 that applies {@link io.redismigrate.connector.event.RedisEvent}s to the destination.
 * <p>
 * {@link io.redismigrate.connector.sink.RedisSinkWriter} holds one
 * {@link io.redismigrate.connector.sink.PipelinedConnection} (a cluster router will hold one per node). The task
 * thread encodes commands into the socket's 64 KiB buffer, which goes out when full, when a short idle timer fires,
 * when {@code write} must wait for room, and on {@code flush}. A reader thread matches replies in order against a
 * lock-free ring of in-flight commands; the ring's bounds (commands and bytes) are the backpressure: {@code write}
 * blocks until a quarter of the bound is answered. {@code flush} (checkpoint, end of input) waits for every reply and
 * throws the first error reply as a one-line {@link io.redismigrate.connector.sink.RedisWriteException}.
 */
package io.redismigrate.connector.sink;
