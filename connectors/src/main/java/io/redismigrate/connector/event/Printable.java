package io.redismigrate.connector.event;

/** Renders binary keys for humans: printable ASCII as is, anything else as \xNN, long keys cut. */
public final class Printable {
    private static final int MAX = 200;

    private Printable() {}

    public static String bytes(byte[] b) {
        StringBuilder sb = new StringBuilder(Math.min(b.length, MAX) + 8);
        for (int i = 0; i < b.length && i < MAX; i++) {
            int c = b[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') sb.append((char) c);
            else sb.append(String.format("\\x%02x", c));
        }
        if (b.length > MAX) sb.append("…(").append(b.length).append(" bytes)");
        return sb.toString();
    }
}
