package io.redismigrate.job.pipeline;

import io.redismigrate.job.MigrationOptions;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The TTL shift for commands: every expiry a command sets is moved {@code ms} later. Seconds forms become their
 * millisecond forms (EXPIRE → PEXPIRE, EXPIREAT → PEXPIREAT, SETEX → PSETEX, SET/GETEX EX → PX, EXAT → PXAT) so
 * the shift keeps millisecond precision. Redis ≥ 7 replicates expiries as PEXPIREAT and SET … PXAT; older
 * sources send the relative forms, so all are covered. Commands without an expiry come back unchanged (same array).
 *
 * <p>Hash-field TTLs (Redis ≥ 7.4): Redis replicates HEXPIRE/HPEXPIRE/HEXPIREAT and HGETEX EX/PX/EXAT/PXAT as
 * {@code HPEXPIREAT key ms [NX|XX|GT|LT] FIELDS n …} (HGETEX PERSIST as HPERSIST, a time in the past as HDEL) and
 * HSETEX EX/PX/EXAT as {@code HSETEX key [FNX|FXX] PXAT ms FIELDS n …}; the relative forms are moved too
 * (HEXPIRE → HPEXPIRE, HEXPIREAT → HPEXPIREAT, HSETEX/HGETEX EX → PX, EXAT → PXAT). Options are read only up to
 * {@code FIELDS}: field names and values are never taken for options.
 *
 * <p>The shift itself ({@link #shiftMs}) is {@code --ttl-extend} plus, when a stream phase follows, {@code --ttl-margin}.
 */
public final class TtlExtension {
    private TtlExtension() {}

    /**
     * Milliseconds added to every TTL the job writes (snapshot RESTOREs, decoded PEXPIREAT/HPEXPIREAT, stream
     * expiries): {@link MigrationOptions#ttlExtend()} + {@link MigrationOptions#ttlMarginApplied()}.
     */
    public static long shiftMs(MigrationOptions options) {
        long extend = options.ttlExtend() == null ? 0 : options.ttlExtend().toMillis();
        return extend + options.ttlMarginApplied().toMillis();
    }

    static byte[][] apply(byte[][] args, long ms) {
        if (ms == 0 || args.length < 2) return args;
        switch (name(args[0])) {
            case "PEXPIREAT":
            case "PEXPIRE":
            case "HPEXPIREAT":
            case "HPEXPIRE":
                return args.length >= 3 ? replace(args, 2, null, plus(args[2], 1, ms)) : args;
            case "EXPIREAT":
                return args.length >= 3 ? replace(args, 2, b("PEXPIREAT"), plus(args[2], 1000, ms)) : args;
            case "EXPIRE":
                return args.length >= 3 ? replace(args, 2, b("PEXPIRE"), plus(args[2], 1000, ms)) : args;
            case "HEXPIREAT":
                return args.length >= 3 ? replace(args, 2, b("HPEXPIREAT"), plus(args[2], 1000, ms)) : args;
            case "HEXPIRE":
                return args.length >= 3 ? replace(args, 2, b("HPEXPIRE"), plus(args[2], 1000, ms)) : args;
            case "PSETEX":
                return args.length == 4 ? replace(args, 2, null, plus(args[2], 1, ms)) : args;
            case "SETEX":
                return args.length == 4 ? replace(args, 2, b("PSETEX"), plus(args[2], 1000, ms)) : args;
            case "SET":
                return options(args, 3, ms, false);
            case "GETEX":
                return options(args, 2, ms, false);
            case "HSETEX":
            case "HGETEX":
                return options(args, 2, ms, true);
            case "RESTORE": {
                if (args.length < 4) return args;
                long ttl = parse(args[2]);
                return ttl > 0 ? replace(args, 2, null, num(ttl + ms)) : args; // 0 = no expiry
            }
            default:
                return args;
        }
    }

    /**
     * EX/PX/EXAT/PXAT options from {@code from} on (SET key value …, GETEX key …, HSETEX/HGETEX key …); with
     * {@code untilFields} the scan stops at FIELDS (what follows are field names and values).
     */
    private static byte[][] options(byte[][] args, int from, long ms, boolean untilFields) {
        for (int i = from; i + 1 < args.length; i++) {
            byte[] unit;
            long factor;
            switch (name(args[i])) {
                case "PX": unit = null; factor = 1; break;
                case "PXAT": unit = null; factor = 1; break;
                case "EX": unit = b("PX"); factor = 1000; break;
                case "EXAT": unit = b("PXAT"); factor = 1000; break;
                case "FIELDS":
                    if (untilFields) return args;
                    continue;
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
