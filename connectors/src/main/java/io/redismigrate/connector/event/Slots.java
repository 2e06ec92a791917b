package io.redismigrate.connector.event;

/** Redis Cluster key → slot: CRC16 (XMODEM) of the key, or of its {hash tag}, modulo 16384. */
public final class Slots {
    public static final int SLOT_COUNT = 16384;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int b = 0; b < 8; b++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[i] = crc & 0xffff;
        }
    }

    private Slots() {}

    public static int crc16(byte[] bytes, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ bytes[i]) & 0xff]) & 0xffff;
        }
        return crc;
    }

    public static int slot(byte[] key) {
        int open = -1;
        for (int i = 0; i < key.length; i++) {
            if (key[i] == '{') { open = i; break; }
        }
        if (open >= 0) {
            for (int j = open + 1; j < key.length; j++) {
                if (key[j] == '}') {
                    if (j > open + 1) return crc16(key, open + 1, j) & (SLOT_COUNT - 1);
                    break;
                }
            }
        }
        return crc16(key, 0, key.length) & (SLOT_COUNT - 1);
    }

    /** The single slot all of {@code keys} hash to, {@link RedisEvent#NO_SLOT} for none, or -2 when they span slots. */
    public static int commonSlot(java.util.List<byte[]> keys) {
        int slot = RedisEvent.NO_SLOT;
        for (byte[] k : keys) {
            int s = slot(k);
            if (slot == RedisEvent.NO_SLOT) slot = s;
            else if (s != slot) return -2;
        }
        return slot;
    }
}
