package io.redismigrate.connector.sink;

import io.redismigrate.connector.resp.RedisConnection;

import java.io.IOException;

/** The end of a pipelined connection with its own reply thread: closing the socket is what ends the thread. */
final class ReplyReaders {
    private static final long JOIN_MS = 5000;

    private ReplyReaders() {}

    static void closeAndJoin(RedisConnection connection, Thread reader) throws IOException {
        try {
            connection.close();
        } finally {
            try {
                reader.join(JOIN_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
