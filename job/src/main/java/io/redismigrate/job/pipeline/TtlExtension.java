package io.redismigrate.job.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * --ttl-extend for commands: every expiry a command sets is moved {@code ms} later. Seconds forms become their
 * millisecond forms (EXPIRE → PEXPIRE, EXPIREAT → PEXPIREAT, SETEX → PSETEX, SET/GETEX EX → PX, EXAT → PXAT) so
 * the extension keeps millisecond precision. Redis ≥ 7 replicates expiries as PEXPIREAT and SET … PXAT; older
 * sources send the relative forms, so all are covered. Commands without an expiry come back unchanged (same array).
 */
final class TtlExtension {
    private TtlExtension() {}

    static byte[][] apply(byte[][] args, long ms) {
        if (ms == 0 || args.length < 2) return args;
        switch (name(args[0])) {
            case "PEXPIREAT":
            case "PEXPIRE":
                return args.length >= 3 ? replace(args, 2, null, plus(args[2], 1, ms)) : args;
            case "EXPIREAT":
                return args.length >= 3 ? replace(args, 2, b("PEXPIREAT"), plus(args[2], 1000, ms)) : args;
            case "EXPIRE":
                return args.length >= 3 ? replace(args, 2, b("PEXPIRE"), plus(args[2], 1000, ms)) : args;
            case "PSETEX":
                return args.length == 4 ? replace(args, 2, null, plus(args[2], 1, ms)) : args;
            case "SETEX":
                return args.length == 4 ? replace(args, 2, b("PSETEX"), plus(args[2], 1000, ms)) : args;
            case "SET":
                return options(args, 3, ms);
            case "GETEX":
                return options(args, 2, ms);
            case "RESTORE": {
                if (args.length < 4) return args;
                long ttl = parse(args[2]);
                return ttl > 0 ? replace(args, 2, null, num(ttl + ms)) : args; // 0 = no expiry
            }
            default:
                return args;
        }
    }

    /** EX/PX/EXAT/PXAT options from {@code from} on (SET key value …, GETEX key …). */
    private static byte[][] options(byte[][] args, int from, long ms) {
        for (int i = from; i + 1 < args.length; i++) {
            String opt = name(args[i]);
            byte[] unit;
            long factor;
            switch (opt) {
                case "PX": unit = null; factor = 1; break;
                case "PXAT": unit = null; factor = 1; break;
                case "EX": unit = b("PX"); factor = 1000; break;
                case "EXAT": unit = b("PXAT"); factor = 1000; break;
                default: continue;
            }
            byte[][] out = args.clone();
            if (unit != null) out[i] = unit;
            out[i + 1] = plus(args[i + 1], factor, ms);
            return out;
        }
        return args;
    }

    private static byte[][] replace(byte[][] args, int index, byte[] newName, byte[] value) {
        byte[][] out = args.clone();
        if (newName != null) out[0] = newName;
        out[index] = value;
        return out;
    }

    private static byte[] plus(byte[] number, long factor, long ms) {
        return num(parse(number) * factor + ms);
    }

    private static long parse(byte[] number) {
        return Long.parseLong(new String(number, StandardCharsets.US_ASCII));
    }

    private static String name(byte[] arg) {
        return new String(arg, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
    }

    private static byte[] num(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
