package io.redismigrate.job.verify;

import io.redismigrate.connector.event.Printable;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Function libraries of both sides ({@code FUNCTION LIST WITHCODE}, Redis ≥ 7.0), compared by library name: the
 * server lists them in hash table order, which differs between processes holding the same libraries. A library is
 * its engine and code (the code declares its functions, their flags and descriptions). On a cluster every master
 * is read; they should hold the same libraries, and a master that differs from the first is reported.
 */
final class Functions {
    private Functions() {}

    static void compare(Side source, Side target, VerifyResult result) throws IOException {
        Map<String, byte[]> src = read(source, result);
        Map<String, byte[]> tgt = read(target, result);
        if (src == null || tgt == null) return;
        int before = (int) result.functionDifferences();
        for (Map.Entry<String, byte[]> e : src.entrySet()) {
            byte[] t = tgt.get(e.getKey());
            if (t == null) {
                result.functionDifference("function library '" + e.getKey() + "': missing on the target");
            } else if (!Arrays.equals(e.getValue(), t)) {
                result.functionDifference("function library '" + e.getKey() + "': engine or code differs");
            }
        }
        for (String name : tgt.keySet()) {
            if (!src.containsKey(name)) result.functionDifference("function library '" + name + "': not on the source");
        }
        result.functionsNote("function libraries compared: " + src.size() + " on the source, " + tgt.size()
                + " on the target" + (result.functionDifferences() == before ? ", equal" : ""));
    }

    /** Library name → engine + code, from every node of the side; null (and a note) when a node lacks FUNCTION. */
    private static Map<String, byte[]> read(Side side, VerifyResult result) throws IOException {
        Map<String, byte[]> first = null;
        RedisConnection firstNode = null;
        for (RedisConnection c : side.nodes()) {
            Object reply = c.call(bytes("FUNCTION"), bytes("LIST"), bytes("WITHCODE"));
            if (reply instanceof RespError) {
                result.functionsNote("function libraries not compared: " + c.role() + " " + c.endpoint()
                        + " has no FUNCTION (Redis < 7.0?): " + reply);
                return null;
            }
            Map<String, byte[]> libs = parse(c, reply);
            if (first == null) {
                first = libs;
                firstNode = c;
            } else if (!same(first, libs)) {
                result.functionDifference(c.role() + " master " + c.endpoint() + ": function libraries differ from master "
                        + firstNode.endpoint() + " (" + libs.keySet() + " vs " + first.keySet() + ")");
            }
        }
        return first == null ? new TreeMap<>() : first;
    }

    private static Map<String, byte[]> parse(RedisConnection c, Object reply) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        for (Object lib : Side.list(c, reply, "FUNCTION LIST")) {
            List<?> fields = lib instanceof List ? (List<?>) lib : List.of();
            String name = null;
            byte[] engine = new byte[0];
            byte[] code = new byte[0];
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                switch (RespReader.text(fields.get(i))) {
                    case "library_name": name = RespReader.text(fields.get(i + 1)); break;
                    case "engine": engine = raw(fields.get(i + 1)); break;
                    case "library_code": code = raw(fields.get(i + 1)); break;
                    default: break;
                }
            }
            if (name == null) continue;
            byte[] v = new byte[engine.length + 1 + code.length];
            System.arraycopy(engine, 0, v, 0, engine.length);
            System.arraycopy(code, 0, v, engine.length + 1, code.length);
            out.put(Printable.bytes(bytes(name)), v);
        }
        return out;
    }

    private static boolean same(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) return false;
        for (Map.Entry<String, byte[]> e : a.entrySet()) if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) return false;
        return true;
    }

    private static byte[] raw(Object o) {
        return o instanceof byte[] ? (byte[]) o : bytes(String.valueOf(o));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
