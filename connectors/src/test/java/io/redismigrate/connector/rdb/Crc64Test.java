package io.redismigrate.connector.rdb;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Crc64Test {

    /** Bit-at-a-time definition: reflected Jones polynomial, init 0, no final xor. */
    private static long reference(byte[] b, int off, int len) {
        long crc = 0;
        for (int i = off; i < off + len; i++) {
            crc ^= b[i] & 0xff;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x95ac9329ac4bc9b5L : crc >>> 1;
        }
        return crc;
    }

    @Test
    void matchesTheRedisCheckValue() {
        // from Redis' crc64.c self test: crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.of(b, 0, b.length));
    }

    @Test
    void slicedMatchesBitwiseForAnyAlignmentAndSplit() {
        SplittableRandom r = new SplittableRandom(42);
        byte[] data = new byte[4096];
        r.nextBytes(data);
        for (int trial = 0; trial < 500; trial++) {
            int off = r.nextInt(64);
            int len = r.nextInt(data.length - off);
            int split = len == 0 ? 0 : r.nextInt(len);
            long expected = reference(data, off, len);
            assertEquals(expected, Crc64.of(data, off, len));
            assertEquals(expected, Crc64.update(Crc64.of(data, off, split), data, off + split, len - split));
        }
    }
}
