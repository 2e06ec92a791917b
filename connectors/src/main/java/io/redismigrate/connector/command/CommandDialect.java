package io.redismigrate.connector.command;

import io.redismigrate.connector.rdb.DumpPayloads;
import io.redismigrate.connector.rdb.RdbParserConfig;
import io.redismigrate.connector.rdb.TargetCannotStoreException;
import io.redismigrate.connector.resp.RedisVersions;
import io.redismigrate.connector.resp.ServerInfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The stream phase's translation into an older target: every command form a supported source (Redis 2.8 … 8.0,
 * Valkey 7.2 … 8.1) may put in its replication stream that the target cannot apply as is, rewritten into an exact
 * equivalent the target has, or refused ({@link TargetCannotStoreException}, one line) where none exists. One source
 * command stays one command (several become one EVAL), so the sink's per-event fence is unchanged.
 *
 * <p>What sources replicate was read off their streams ({@code redis-cli --replica} against Redis 6.0, 7.0, 8.0,
 * Valkey 8.0, 8.1): Redis 7.0+ rewrite SET's EX/PX/EXAT into PXAT and drop GET, every EXPIRE form into PEXPIREAT
 * (keeping NX/XX/GT/LT), GETEX into PEXPIREAT/PERSIST/DEL, GETDEL into DEL, LMPOP/BLMPOP into LPOP/RPOP key count,
 * BLMOVE into LMOVE, BZMPOP into ZPOPMIN/ZPOPMAX key count, GEOADD into ZADD, approximate stream trimming into
 * {@code MAXLEN|MINID = n} (LIMIT kept), XREADGROUP/XAUTOCLAIM into XCLAIM (+ XGROUP SETID … ENTRIESREAD on 8.0 and
 * Valkey); COPY, ZADD GT/LT, ZRANGESTORE, ZDIFFSTORE, GEOSEARCHSTORE, XSETID/XGROUP with their 7.0 options and
 * FUNCTION LOAD/DELETE/FLUSH go as issued. Redis 8.0 replicates hash-field TTLs as HPEXPIREAT/HPERSIST/HDEL and
 * HSETEX with PXAT; Valkey 8.1 sends {@code SET … IFEQ v} when it applied (with a TTL: the PXAT form, no IFEQ).
 *
 * <p>Commands the target has pass through as the same array; a name no row is about costs a length and first-letter
 * check. A replicated RESTORE goes to {@link #restore}.
 */
public final class CommandDialect {

    private static final Predicate<ServerInfo> R62 = s -> s.atLeastRedis(6, 2);
    private static final Predicate<ServerInfo> R70 = s -> s.atLeastRedis(7, 0);
    private static final Predicate<ServerInfo> IFEQ = s -> s.valkey() && s.atLeast(8, 1);
    private static final Predicate<ServerInfo> FIELD_TTL = ServerInfo::hashFieldTtl;
    private static final Predicate<ServerInfo> HSETEX = s -> s.valkey() ? s.atLeast(9, 0) : s.atLeast(8, 0);
    private static final Predicate<ServerInfo> VECTOR_SETS = s -> !s.valkey() && s.atLeast(8, 0);

    /** Every row, for every target; {@link #forTarget} keeps those the target lacks. */
    public static final List<DialectRule> RULES = List.of(
            rule("SET", "SET … PXAT|EXAT|GET", R62, "Redis 6.2+", DialectTranslations::set),
            rule("SET", "SET … IFEQ", IFEQ, IFEQ, "Valkey 8.1+", DialectTranslations::set),
            rule("LPOP", "LPOP key count", R62, "Redis 6.2+", DialectTranslations::popCount),
            rule("RPOP", "RPOP key count", R62, "Redis 6.2+", DialectTranslations::popCount),
            rule("LMOVE", "LMOVE", R62, "Redis 6.2+", DialectTranslations::lmove),
            rule("COPY", "COPY", R62, "Redis 6.2+", DialectTranslations::copy),
            rule("PEXPIREAT", "PEXPIREAT … NX|XX|GT|LT", R70, "Redis 7.0+", DialectTranslations::expireFlag),
            rule("PEXPIRE", "PEXPIRE … NX|XX|GT|LT", R70, "Redis 7.0+", DialectTranslations::expireFlag),
            rule("EXPIREAT", "EXPIREAT … NX|XX|GT|LT", R70, "Redis 7.0+", DialectTranslations::expireFlag),
            rule("EXPIRE", "EXPIRE … NX|XX|GT|LT", R70, "Redis 7.0+", DialectTranslations::expireFlag),
            rule("ZADD", "ZADD … GT|LT", R62, "Redis 6.2+", DialectTranslations::zadd),
            rule("XADD", "XADD … NOMKSTREAM|MINID|LIMIT", R62, "Redis 6.2+", DialectTranslations::xadd),
            rule("XTRIM", "XTRIM … MINID|LIMIT", R62, "Redis 6.2+", DialectTranslations::xtrim),
            rule("XGROUP", "XGROUP CREATECONSUMER", R62, "Redis 6.2+", DialectTranslations::createConsumer),
            rule("XGROUP", "XGROUP CREATE|SETID … ENTRIESREAD", R70, "Redis 7.0+", DialectTranslations::entriesRead),
            rule("XSETID", "XSETID … ENTRIESADDED|MAXDELETEDID", R70, "Redis 7.0+", DialectTranslations::xsetid),
            rule("FLUSHDB", "FLUSHDB SYNC", R62, "Redis 6.2+", DialectTranslations::flushSync),
            rule("FLUSHALL", "FLUSHALL SYNC", R62, "Redis 6.2+", DialectTranslations::flushSync),
            rule("SCRIPT", "SCRIPT FLUSH SYNC|ASYNC", s -> R62.test(s) && !R70.test(s), R62, "Redis 6.2+",
                    DialectTranslations::scriptFlush),
            rule("ZRANGESTORE", "ZRANGESTORE", R62, "Redis 6.2+", DialectTranslations::zrangestore),
            rule("ZDIFFSTORE", "ZDIFFSTORE", R62, "Redis 6.2+", DialectTranslations::zdiffstore),
            new DialectRule("GEOSEARCHSTORE", "GEOSEARCHSTORE (BYBOX and ANY refused)", R62, R62, "Redis 6.2+", false,
                    DialectTranslations::geosearchstore),
            new DialectRule("HSETEX", "HSETEX (refused with a TTL where the target has no field TTLs)", HSETEX, HSETEX,
                    "Redis 8.0+ or Valkey 9.0+", false, DialectTranslations::hsetex),
            refused("FUNCTION", "FUNCTION LOAD|DELETE|FLUSH|RESTORE", R70, "Redis 7.0+ or Valkey"),
            refused("HPEXPIREAT", "HPEXPIREAT (hash-field TTL)", FIELD_TTL, "Redis 7.4+ or Valkey 9.0+"),
            refused("HPEXPIRE", "HPEXPIRE (hash-field TTL)", FIELD_TTL, "Redis 7.4+ or Valkey 9.0+"),
            refused("HEXPIREAT", "HEXPIREAT (hash-field TTL)", FIELD_TTL, "Redis 7.4+ or Valkey 9.0+"),
            refused("HEXPIRE", "HEXPIRE (hash-field TTL)", FIELD_TTL, "Redis 7.4+ or Valkey 9.0+"),
            refused("HPERSIST", "HPERSIST (hash-field TTL)", FIELD_TTL, "Redis 7.4+ or Valkey 9.0+"),
            refused("VADD", "VADD (vector set)", VECTOR_SETS, "Redis 8.0+"),
            refused("VREM", "VREM (vector set)", VECTOR_SETS, "Redis 8.0+"),
            refused("VSETATTR", "VSETATTR (vector set)", VECTOR_SETS, "Redis 8.0+"));

    private static final byte[] RESTORE = "RESTORE".getBytes(StandardCharsets.US_ASCII);

    private final ServerInfo target;
    /** What the target reads, for replicated RESTORE payloads ({@link DumpPayloads}). */
    private final RdbParserConfig format;
    private final List<DialectRule> rules;
    /** Rules by (name length, first letter): a command no row names is rejected without reading more. */
    private final DialectRule[][][] index = new DialectRule[32][26][];
    private final byte[][] names;

    private CommandDialect(ServerInfo target, List<DialectRule> rules) {
        this.target = target;
        this.format = RdbParserConfig.defaults().withTarget(target);
        this.rules = rules;
        this.names = new byte[rules.size()][];
        for (int i = 0; i < rules.size(); i++) {
            DialectRule r = rules.get(i);
            names[i] = r.command().getBytes(StandardCharsets.US_ASCII);
            int len = names[i].length, letter = names[i][0] - 'A';
            DialectRule[] at = index[len][letter];
            DialectRule[] grown = at == null ? new DialectRule[1] : java.util.Arrays.copyOf(at, at.length + 1);
            grown[grown.length - 1] = r;
            index[len][letter] = grown;
        }
    }

    /** The translation into {@code target}: the rows whose form it lacks. */
    public static CommandDialect forTarget(ServerInfo target) {
        List<DialectRule> active = new ArrayList<>();
        for (DialectRule r : RULES) if (!r.targetHas().test(target)) active.add(r);
        return new CommandDialect(target, active);
    }

    /**
     * The rows a {@code source} may send that {@code target} lacks (precheck); translated ones and refused ones
     * alike ({@link DialectRule#refused()}).
     */
    public static List<DialectRule> differences(ServerInfo source, ServerInfo target) {
        List<DialectRule> out = new ArrayList<>();
        for (DialectRule r : RULES) if (r.sentBy().test(source) && !r.targetHas().test(target)) out.add(r);
        return out;
    }

    /** The rows this target lacks. */
    public List<DialectRule> rules() {
        return rules;
    }

    /**
     * Whether every command passes unchanged: the target has every form and reads every RDB version a source of
     * this build may write (RESTORE payloads), so the translation step can be left out.
     */
    public boolean identity() {
        return rules.isEmpty() && target.redisLevel() >= RedisVersions.MAX_SUPPORTED_RDB && !target.valkey();
    }

    /**
     * The command as the target applies it: {@code args} itself when the target has it, else its exact equivalent.
     *
     * @throws TargetCannotStoreException the form has no equivalent on the target (the message is one line)
     */
    public byte[][] translate(byte[][] args) throws TargetCannotStoreException {
        byte[] name = args[0];
        if (CommandTable.equalsIgnoreCase(name, RESTORE)) return restore(args);
        int len = name.length;
        if (len >= 32 || len == 0) return args;
        int letter = (name[0] | 0x20) - 'a';
        if (letter < 0 || letter >= 26) return args;
        DialectRule[] candidates = index[len][letter];
        if (candidates == null) return args;
        byte[][] out = args;
        for (DialectRule r : candidates) {
            if (!DialectTranslations.word(out[0], r.command())) continue;
            byte[][] next = r.translate().apply(out, target);
            if (next == null) throw refusal(args, r);
            out = next;
        }
        return out;
    }

    /** Each command of a MULTI/EXEC block; the same array when none changed. */
    public byte[][][] translate(byte[][][] commands) throws TargetCannotStoreException {
        byte[][][] out = commands;
        for (int i = 0; i < commands.length; i++) {
            byte[][] c = translate(commands[i]);
            if (c != commands[i]) {
                if (out == commands) out = commands.clone();
                out[i] = c;
            }
        }
        return out;
    }

    /**
     * {@code XGROUP CREATECONSUMER key group consumer} for a target of any version with streams (5.0+): as is it
     * needs 6.2; this form creates the consumer through an XREADGROUP that reads nothing (the snapshot's decoding
     * path uses it for consumers without pending entries).
     */
    public static byte[][] createConsumer(byte[] key, byte[] group, byte[] consumer) {
        return DialectTranslations.eval(DialectScripts.CREATE_CONSUMER, List.of(key), List.of(group, consumer));
    }

    /**
     * A replicated RESTORE, whose payload carries the source's RDB version (an older target refuses it): as it is
     * when the target reads it, re-labelled when the target reads the value's type, else the value decoded into
     * commands run by one EVAL (one event, one fence). IDLETIME/FREQ only matter for eviction and are not kept on
     * the decoded form.
     */
    byte[][] restore(byte[][] args) throws TargetCannotStoreException {
        if (args.length < 4 || args[3].length <= 10) return args;
        byte[] payload = args[3];
        byte[] fit = DumpPayloads.forTarget(payload, format);
        if (fit == payload) return args;
        if (fit != null) {
            byte[][] out = args.clone();
            out[3] = fit;
            return out;
        }
        boolean absTtl = false;
        for (int i = 4; i < args.length; i++) if (DialectTranslations.word(args[i], "ABSTTL")) absTtl = true;
        long ttl;
        try {
            ttl = Long.parseLong(new String(args[2], StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return args; // the source accepted it, so this does not happen; the target will say what is wrong
        }
        long expireAt = ttl <= 0 ? 0 : absTtl ? ttl : System.currentTimeMillis() + ttl;
        List<byte[][]> commands;
        try {
            commands = DumpPayloads.decode(payload, args[1], expireAt, format);
        } catch (java.io.IOException e) {
            throw new TargetCannotStoreException("a replicated RESTORE cannot be rewritten for the target "
                    + target.display() + ": " + e.getMessage());
        }
        if (commands.isEmpty()) commands = List.<byte[][]>of(new byte[][] {"DEL".getBytes(StandardCharsets.US_ASCII), args[1]});
        List<byte[]> argv = new ArrayList<>();
        for (byte[][] c : commands) {
            argv.add(Integer.toString(c.length).getBytes(StandardCharsets.US_ASCII));
            argv.addAll(java.util.Arrays.asList(c));
        }
        return DialectTranslations.eval(DialectScripts.RUN_COMMANDS, List.of(args[1]), argv);
    }

    private TargetCannotStoreException refusal(byte[][] args, DialectRule r) {
        String seen = CommandTable.name(args);
        if (args.length > 1 && (seen.equals("FUNCTION") || seen.equals("XGROUP") || seen.equals("SCRIPT"))) {
            seen += " " + new String(args[1], StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
        }
        return new TargetCannotStoreException("the source replicated " + seen + ", which the target " + target.display()
                + " cannot apply and has no exact equivalent for (" + r.form() + " needs " + r.needs() + "); stopping");
    }

    private static DialectRule rule(String command, String form, Predicate<ServerInfo> has, String needs,
                                    DialectRule.Translator t) {
        return new DialectRule(command, form, has, has, needs, false, t);
    }

    private static DialectRule rule(String command, String form, Predicate<ServerInfo> sentBy, Predicate<ServerInfo> has,
                                    String needs, DialectRule.Translator t) {
        return new DialectRule(command, form, sentBy, has, needs, false, t);
    }

    private static DialectRule refused(String command, String form, Predicate<ServerInfo> has, String needs) {
        return new DialectRule(command, form, has, has, needs, true, (args, target) -> null);
    }
}
