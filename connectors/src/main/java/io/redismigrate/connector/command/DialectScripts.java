package io.redismigrate.connector.command;

import java.nio.charset.StandardCharsets;

/**
 * Lua bodies of the EVAL commands {@link CommandDialect} sends where a target lacks a command form: one source
 * command stays one target command (atomic, one event, one fence). Every body runs on Redis 2.6+ and names its keys
 * in KEYS (cluster routing reads them). Scores and stream IDs stay strings: Lua numbers are doubles, which would
 * round 64-bit IDs and print scores with 14 digits.
 */
final class DialectScripts {
    private DialectScripts() {}

    /**
     * Runs several commands as one: ARGV is a sequence of (argument count, arguments…); KEYS[1] is the one key they
     * write. For a replicated RESTORE whose value the target cannot read, decoded into commands.
     */
    static final byte[] RUN_COMMANDS = lua(
            "local i = 1\n"
            + "while i <= #ARGV do\n"
            + "  local n = tonumber(ARGV[i])\n"
            + "  redis.call(unpack(ARGV, i + 1, i + n))\n"
            + "  i = i + n + 1\n"
            + "end\n"
            + "return 1");

    /** SET key value [NX|XX] then PEXPIREAT when it was set. ARGV: value, unix ms, [NX|XX]. */
    static final byte[] SET_PXAT = lua(
            "if redis.call('SET', KEYS[1], ARGV[1], unpack(ARGV, 3)) then\n"
            + "  return redis.call('PEXPIREAT', KEYS[1], ARGV[2])\n"
            + "end\n"
            + "return false");

    /** LMOVE src dst LEFT|RIGHT LEFT|RIGHT. ARGV: pop side, push side. */
    static final byte[] LMOVE = lua(
            "local t = redis.call('TYPE', KEYS[2]).ok\n"
            + "if t ~= 'none' and t ~= 'list' then return redis.error_reply('WRONGTYPE Operation against a key holding the wrong kind of value') end\n"
            + "local v = redis.call(ARGV[1] == 'LEFT' and 'LPOP' or 'RPOP', KEYS[1])\n"
            + "if not v then return false end\n"
            + "redis.call(ARGV[2] == 'LEFT' and 'LPUSH' or 'RPUSH', KEYS[2], v)\n"
            + "return v");

    /**
     * COPY src dst [DB db] [REPLACE] as DUMP + PTTL + RESTORE (the copy keeps the TTL; RESTORE's TTL is relative, so
     * it lands within a millisecond of the source's absolute one). ARGV: target DB or '', '1' for REPLACE.
     */
    static final byte[] COPY = lua(
            "local v = redis.call('DUMP', KEYS[1])\n"
            + "if not v then return 0 end\n"
            + "local ttl = redis.call('PTTL', KEYS[1])\n"
            + "if ttl < 0 then ttl = 0 elseif ttl == 0 then ttl = 1 end\n"
            + "if ARGV[1] ~= '' then redis.call('SELECT', ARGV[1]) end\n"
            + "if ARGV[2] == '1' then\n"
            + "  redis.call('RESTORE', KEYS[2], ttl, v, 'REPLACE')\n"
            + "  return 1\n"
            + "end\n"
            + "if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end\n"
            + "redis.call('RESTORE', KEYS[2], ttl, v)\n"
            + "return 1");

    /**
     * ZADD key [XX] GT|LT [CH] [INCR] score member …: a member is updated only when its new score is greater (GT)
     * or less (LT) than its current one, as t_zset.c zsetAdd decides; new members are added unless XX. ARGV: GT|LT,
     * XX|'', INCR|'', then score, member pairs. The comparison is on doubles like the server's; the write is the
     * server's own ZADD/ZINCRBY of the original score string.
     */
    static final byte[] ZADD_GT_LT = lua(
            "local gt, xx, incr = ARGV[1] == 'GT', ARGV[2] == 'XX', ARGV[3] == 'INCR'\n"
            + "for i = 4, #ARGV, 2 do\n"
            + "  local s, m = ARGV[i], ARGV[i + 1]\n"
            + "  local cur = redis.call('ZSCORE', KEYS[1], m)\n"
            + "  if not cur then\n"
            + "    if not xx then redis.call('ZADD', KEYS[1], s, m) end\n"
            + "  else\n"
            + "    local c = tonumber(cur)\n"
            + "    local n = tonumber(s)\n"
            + "    if incr then n = c + n end\n"
            + "    if (gt and n > c) or ((not gt) and n < c) then\n"
            + "      if incr then redis.call('ZINCRBY', KEYS[1], s, m) else redis.call('ZADD', KEYS[1], 'XX', s, m) end\n"
            + "    end\n"
            + "  end\n"
            + "end\n"
            + "return 1");

    /** Lua: removes the stream entries with IDs below ARGV[1] (normalized "ms-seq"), like XTRIM MINID on 6.2+. */
    private static final String TRIM_MINID =
            "local function below(a, b)\n"
            + "  local am, as = string.match(a, '^(%d+)-(%d+)$')\n"
            + "  local bm, bs = string.match(b, '^(%d+)-(%d+)$')\n"
            + "  if #am ~= #bm then return #am < #bm end\n"
            + "  if am ~= bm then return am < bm end\n"
            + "  if #as ~= #bs then return #as < #bs end\n"
            + "  return as < bs\n"
            + "end\n"
            + "local removed = 0\n"
            + "while true do\n"
            + "  local head = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 100)\n"
            + "  local n = 0\n"
            + "  for _, e in ipairs(head) do\n"
            + "    if below(e[1], ARGV[1]) then n = n + 1 else break end\n"
            + "  end\n"
            + "  if n == 0 then break end\n"
            + "  redis.call('XTRIM', KEYS[1], 'MAXLEN', redis.call('XLEN', KEYS[1]) - n)\n"
            + "  removed = removed + n\n"
            + "  if n < #head then break end\n"
            + "end\n";

    /** XTRIM key MINID id. ARGV: the normalized minimum ID. */
    static final byte[] XTRIM_MINID = lua(TRIM_MINID + "return removed");

    /** XADD key … MINID id …: the XADD without MINID, then the trim. ARGV: minimum ID, then XADD's arguments after the key. */
    static final byte[] XADD_MINID = lua(
            "local id = redis.call('XADD', KEYS[1], unpack(ARGV, 2))\n" + TRIM_MINID + "return id");

    /**
     * XGROUP CREATECONSUMER key group consumer: Redis 6.0 creates a consumer on any XREADGROUP; reading its history
     * from the largest ID (UINT64_MAX-UINT64_MAX itself means '>') returns nothing and changes no pending entry.
     * ARGV: group, consumer.
     */
    static final byte[] CREATE_CONSUMER = lua(
            "redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS', KEYS[1],"
            + " '18446744073709551615-18446744073709551614')\n"
            + "return 1");

    /** Lua: DEL KEYS[1], then ZADD of the score, member pairs in table r (chunked: unpack has a stack limit). */
    private static final String STORE_ZSET =
            "redis.call('DEL', KEYS[1])\n"
            + "for i = 1, #r, 200 do\n"
            + "  redis.call('ZADD', KEYS[1], unpack(r, i, math.min(i + 199, #r)))\n"
            + "end\n"
            + "return #r / 2";

    /**
     * ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]. ARGV: the 6.0 read command
     * (ZRANGE, ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX), then its arguments after
     * the key. Scores come back as the server prints them (17 significant digits), which ZADD reads back exactly.
     */
    static final byte[] ZRANGESTORE = lua(
            "local cmd = ARGV[1]\n"
            + "local lex = cmd == 'ZRANGEBYLEX' or cmd == 'ZREVRANGEBYLEX'\n"
            + "local args = {unpack(ARGV, 2)}\n"
            + "if not lex then table.insert(args, 3, 'WITHSCORES') end\n"
            + "local got = redis.call(cmd, KEYS[2], unpack(args))\n"
            + "local r = {}\n"
            + "if lex then\n"
            + "  for _, m in ipairs(got) do r[#r + 1] = redis.call('ZSCORE', KEYS[2], m); r[#r + 1] = m end\n"
            + "else\n"
            + "  for i = 1, #got, 2 do r[#r + 1] = got[i + 1]; r[#r + 1] = got[i] end\n"
            + "end\n"
            + STORE_ZSET);

    /**
     * ZDIFFSTORE dst numkeys key …: the members of the first key (a sorted set, or a set with score 1) in none of
     * the others. KEYS: dst, then the inputs.
     */
    static final byte[] ZDIFFSTORE = lua(
            "local function read(k)\n"
            + "  local t = redis.call('TYPE', k).ok\n"
            + "  if t == 'zset' then return redis.call('ZRANGE', k, 0, -1, 'WITHSCORES'), true end\n"
            + "  if t == 'set' then return redis.call('SMEMBERS', k), false end\n"
            + "  if t == 'none' then return {}, false end\n"
            + "  error('WRONGTYPE Operation against a key holding the wrong kind of value')\n"
            + "end\n"
            + "local others = {}\n"
            + "for j = 3, #KEYS do\n"
            + "  local got, scored = read(KEYS[j])\n"
            + "  local step = scored and 2 or 1\n"
            + "  for i = 1, #got, step do others[got[i]] = true end\n"
            + "end\n"
            + "local got, scored = read(KEYS[2])\n"
            + "local step = scored and 2 or 1\n"
            + "local r = {}\n"
            + "for i = 1, #got, step do\n"
            + "  if not others[got[i]] then r[#r + 1] = scored and got[i + 1] or '1'; r[#r + 1] = got[i] end\n"
            + "end\n"
            + STORE_ZSET);

    private static byte[] lua(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
