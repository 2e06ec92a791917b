package io.redismigrate.connector.event;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every key a replicated write command names, for routing to a cluster destination: a command whose keys span
 * slots is split per slot or its keys are refreshed from the source. Works on bytes; the name is compared
 * ASCII-case-insensitively. Commands not listed name their first argument (or nothing, for keyless ones).
 */
public final class CommandKeys {
    private CommandKeys() {}

    private static final java.util.Set<String> ALL_FROM_1 = java.util.Set.of(
            "DEL", "UNLINK", "TOUCH", "EXISTS", "PFMERGE", "PFCOUNT", "SDIFFSTORE", "SINTERSTORE", "SUNIONSTORE",
            "RENAME", "RENAMENX", "RPOPLPUSH", "BRPOPLPUSH", "WATCH");
    private static final java.util.Set<String> KEYLESS = java.util.Set.of(
            "FLUSHALL", "FLUSHDB", "SWAPDB", "FUNCTION", "SCRIPT", "PUBLISH", "MULTI", "EXEC", "PING",
            "SELECT", "REPLCONF");

    /** Upper-case name of a command (only the name is converted, never arguments). */
    public static String name(byte[][] args) {
        return new String(args[0], StandardCharsets.US_ASCII).toUpperCase();
    }

    /** Keys of {@code args}, in argument order (duplicates kept); empty for keyless commands. */
    public static List<byte[]> keys(byte[][] args) {
        String name = name(args);
        List<byte[]> keys = new ArrayList<>(2);
        if (KEYLESS.contains(name)) return keys;
        switch (name) {
            case "MSET":
            case "MSETNX":
                for (int i = 1; i < args.length; i += 2) keys.add(args[i]);
                return keys;
            case "SMOVE":
            case "LMOVE":
            case "BLMOVE":
            case "COPY":
            case "ZRANGESTORE":
            case "GEOSEARCHSTORE":
                addRange(args, 1, 3, keys);
                return keys;
            case "ZUNIONSTORE":
            case "ZINTERSTORE":
            case "ZDIFFSTORE": {
                keys.add(args[1]);
                int n = args.length > 2 ? parseInt(args[2]) : 0;
                addRange(args, 3, 3 + Math.max(0, n), keys);
                return keys;
            }
            case "BITOP":
                addRange(args, 2, args.length, keys);
                return keys;
            case "EVAL":
            case "EVALSHA":
            case "EVAL_RO":
            case "EVALSHA_RO":
            case "FCALL":
            case "FCALL_RO": {
                int n = args.length > 2 ? parseInt(args[2]) : 0;
                addRange(args, 3, 3 + Math.max(0, n), keys);
                return keys;
            }
            case "XGROUP":
                if (args.length > 2) keys.add(args[2]);
                return keys;
            case "SORT":
            case "GEORADIUS":
            case "GEORADIUSBYMEMBER":
                if (args.length > 1) keys.add(args[1]);
                for (int i = 2; i + 1 < args.length; i++) {
                    String a = new String(args[i], StandardCharsets.US_ASCII);
                    if (a.equalsIgnoreCase("STORE") || a.equalsIgnoreCase("STOREDIST")) keys.add(args[i + 1]);
                }
                return keys;
            default:
                if (ALL_FROM_1.contains(name)) {
                    addRange(args, 1, args.length, keys);
                } else if (args.length > 1) {
                    keys.add(args[1]);
                }
                return keys;
        }
    }

    private static void addRange(byte[][] args, int from, int to, List<byte[]> keys) {
        for (int i = from; i < Math.min(to, args.length); i++) keys.add(args[i]);
    }

    private static int parseInt(byte[] b) {
        try {
            return Integer.parseInt(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The single slot all of {@code keys} hash to, {@link RedisEvent#NO_SLOT} for none, or -2 when they span slots. */
    public static int commonSlot(List<byte[]> keys) {
        int slot = RedisEvent.NO_SLOT;
        for (byte[] k : keys) {
            int s = Slots.slot(k);
            if (slot == RedisEvent.NO_SLOT) slot = s;
            else if (s != slot) return -2;
        }
        return slot;
    }
}
