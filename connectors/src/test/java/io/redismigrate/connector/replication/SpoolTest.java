package io.redismigrate.connector.replication;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The spool on its own: order across memory and files, bounds, end and error handling, cleanup. */
class SpoolTest {

    /** A byte sequence both sides can regenerate: byte i of the stream. */
    private static byte streamByte(long i) {
        long x = i * 0x9E3779B97F4A7C15L;
        return (byte) (x >>> 56 ^ x >>> 29);
    }

    @Test
    void keepsOrderAcrossMemoryAndFilesWithARacingConsumer(@TempDir Path dir) throws Exception {
        long total = 8L << 20;
        // tiny memory, small files, small bound: every path (memory, file, rotation, blocking) is taken often
        Spool spool = new Spool("test", dir, 3000, 50_000, 7000);
        AtomicInteger maxFiles = new AtomicInteger();
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            SplittableRandom r = new SplittableRandom(1);
            byte[] buf = new byte[20_000];
            long pos = 0;
            try {
                while (pos < total) {
                    int n = (int) Math.min(total - pos, 1 + r.nextInt(buf.length));
                    for (int i = 0; i < n; i++) buf[i] = streamByte(pos + i);
                    spool.write(buf, 0, n);
                    pos += n;
                    maxFiles.accumulateAndGet(spool.files(), Math::max);
                    assertTrue(spool.buffered() <= 50_000);
                }
                spool.finish(null);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        SplittableRandom r = new SplittableRandom(2);
        byte[] buf = new byte[30_000];
        long pos = 0;
        int n;
        while ((n = spool.read(buf, 0, 1 + r.nextInt(buf.length), false)) >= 0) {
            for (int i = 0; i < n; i++) {
                if (buf[i] != streamByte(pos + i)) fail("byte " + (pos + i) + " differs");
            }
            pos += n;
            if (r.nextInt(200) == 0) Thread.sleep(2); // let the producer run ahead and fill up
        }
        producer.get(10, TimeUnit.SECONDS);
        assertEquals(total, pos);
        assertEquals(total, spool.written());
        assertEquals(total, spool.consumed());
        assertTrue(maxFiles.get() > 1, "overflowed into several files: " + maxFiles.get());
        assertEquals(0, spool.files(), "every file deleted once read");
        spool.close();
        assertEquals(0, countFiles(dir), "close() removes the spool directory");
    }

    @Test
    void writerBlocksWhenFullUntilTheConsumerReads(@TempDir Path dir) throws Exception {
        try (Spool spool = new Spool("test", dir, 100, 1000)) {
            spool.write(new byte[1000], 0, 1000);
            CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
                try {
                    spool.write(new byte[]{7}, 0, 1);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(300);
            assertFalse(blocked.isDone(), "write beyond maxBytes must wait");
            assertEquals(1000, spool.buffered());
            byte[] b = new byte[10];
            assertEquals(10, spool.read(b, 0, 10, false));
            blocked.get(5, TimeUnit.SECONDS);
            assertEquals(991, spool.buffered());
        }
    }

    @Test
    void failureComesAfterTheBufferedBytes(@TempDir Path dir) throws Exception {
        try (Spool spool = new Spool("test", dir, 1 << 20, 1 << 20)) {
            spool.write("hello".getBytes(), 0, 5);
            spool.finish(new IOException("source x closed the replication connection"));
            byte[] b = new byte[100];
            assertEquals(5, spool.read(b, 0, 100, false));
            IOException e = assertThrows(IOException.class, () -> spool.read(b, 0, 100, false));
            assertEquals("source x closed the replication connection", e.getMessage());
            assertThrows(IOException.class, () -> spool.read(b, 0, 100, false), "and stays failed");
        }
    }

    @Test
    void cleanEndReadsMinusOne(@TempDir Path dir) throws Exception {
        try (Spool spool = new Spool("test", dir, 0, 100)) { // memory 0: files only
            spool.write("abc".getBytes(), 0, 3);
            spool.finish(null);
            byte[] b = new byte[10];
            assertEquals(3, spool.inputStream().read(b));
            assertEquals(-1, spool.inputStream().read(b));
        }
    }

    @Test
    void markSplitsTheStream(@TempDir Path dir) throws Exception {
        try (Spool spool = new Spool("test", dir, 4, 100, 3)) { // memory chunk of 4, then files of 3 bytes
            spool.write("RDB--".getBytes(), 0, 5);
            spool.mark();
            spool.write("*cmd".getBytes(), 0, 4);
            assertEquals("RDB--", readToEnd(spool, true));
            assertEquals(-1, spool.read(new byte[10], 0, 10, true), "stays at the mark");
            spool.finish(null);
            assertEquals("*cmd", readToEnd(spool, false));
        }
    }

    private static String readToEnd(Spool spool, boolean stopAtMark) throws IOException {
        StringBuilder sb = new StringBuilder();
        byte[] b = new byte[100];
        int n;
        while ((n = spool.read(b, 0, b.length, stopAtMark)) >= 0) sb.append(new String(b, 0, n));
        return sb.toString();
    }

    @Test
    void closeWakesAWaitingConsumerAndDeletesFiles(@TempDir Path dir) throws Exception {
        Spool spool = new Spool("source y", dir, 0, 1 << 20);
        spool.write(new byte[5000], 0, 5000);
        assertTrue(countFiles(dir) > 0);
        byte[] b = new byte[10_000];
        assertEquals(5000, spool.read(b, 0, b.length, false));
        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return spool.read(b, 0, b.length, false);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(200);
        assertFalse(waiting.isDone());
        spool.close();
        Throwable t = assertThrows(Exception.class, () -> waiting.get(5, TimeUnit.SECONDS)).getCause().getCause();
        assertEquals("source y: spool closed", t.getMessage());
        assertEquals(0, countFiles(dir));
    }

    private static long countFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).count();
        }
    }
}
