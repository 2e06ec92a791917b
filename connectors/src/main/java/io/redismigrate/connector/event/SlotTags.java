package io.redismigrate.connector.event;

import java.nio.charset.StandardCharsets;

/** For every cluster slot, a short string that hashes to it (built once by brute force with {@link Slots#crc16}). */
public final class SlotTags {
    private static final String[] TAGS = build();

    private SlotTags() {}

    private static String[] build() {
        String[] tags = new String[Slots.SLOT_COUNT];
        int found = 0;
        for (int i = 0; found < tags.length; i++) {
            String t = Integer.toString(i, 36);
            byte[] b = t.getBytes(StandardCharsets.US_ASCII);
            int slot = Slots.crc16(b, 0, b.length) & (Slots.SLOT_COUNT - 1);
            if (tags[slot] == null) {
                tags[slot] = t;
                found++;
            }
        }
        return tags;
    }

    /** A short string whose hash slot is {@code slot}. */
    public static String tag(int slot) {
        return TAGS[slot];
    }

    /** {@code {tag}}: a key (or key part) that routes to {@code slot}. */
    public static byte[] routingKey(int slot) {
        return ("{" + TAGS[slot] + "}").getBytes(StandardCharsets.US_ASCII);
    }
}
