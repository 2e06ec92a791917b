package io.redismigrate.connector.source.reader;

import java.nio.charset.StandardCharsets;

/** Byte-level helpers for replicated framing commands: name checks without String conversion. */
final class Commands {
    static final byte[] SELECT = b("SELECT");
    static final byte[] SET = b("SET");
    static final byte[] PING = b("PING");
    static final byte[] REPLCONF = b("REPLCONF");
    static final byte[] GETACK = b("GETACK");
    static final byte[] MULTI = b("MULTI");
    static final byte[] EXEC = b("EXEC");
    private Commands() {}

    /** ASCII case-insensitive equality of a command name with an upper-case constant. */
    static boolean is(byte[] name, byte[] upper) {
        return io.redismigrate.connector.command.CommandTable.isWord(name, upper);
    }

    static int parseInt(byte[] b) {
        int v = 0;
        boolean neg = false;
        for (int i = 0; i < b.length; i++) {
            if (i == 0 && b[i] == '-') { neg = true; continue; }
            if (b[i] < '0' || b[i] > '9') return -1;
            v = v * 10 + (b[i] - '0');
        }
        return neg ? -v : v;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
