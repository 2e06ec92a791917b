package io.redismigrate.connector.rdb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: a minimal JSON reader (objects as LinkedHashMap, arrays as List, numbers as Double or Long, strings,
 * booleans, null). {@link #parseFragment} also reads librdb's expected-output files, which are the members of an
 * object without the surrounding braces.
 */
final class Json {
    private final String s;
    private int p;

    private Json(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        Json j = new Json(text);
        Object v = j.value();
        j.ws();
        if (j.p != j.s.length()) throw j.error("trailing text");
        return v;
    }

    /** librdb's files: either a JSON value, or object members with no braces (possibly empty). */
    static Object parseFragment(String text) {
        String t = text.trim();
        if (t.isEmpty()) return new LinkedHashMap<String, Object>();
        if (t.startsWith("[") || t.startsWith("{")) return parse(t);
        return parse("{" + t + "}");
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("bad JSON at offset " + p + ": " + what);
    }

    private void ws() {
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) p++;
    }

    private Object value() {
        ws();
        if (p >= s.length()) throw error("unexpected end");
        char c = s.charAt(p);
        switch (c) {
            case '{': {
                p++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (s.charAt(p) == '}') { p++; return m; }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                    if (s.charAt(p) == ',') {
                        p++;
                        ws();
                        if (s.charAt(p) == '}') { p++; return m; } // tolerate a trailing comma
                        continue;
                    }
                    expect('}');
                    return m;
                }
            }
            case '[': {
                p++;
                List<Object> l = new ArrayList<>();
                ws();
                if (s.charAt(p) == ']') { p++; return l; }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(p) == ',') {
                        p++;
                        ws();
                        if (s.charAt(p) == ']') { p++; return l; }
                        continue;
                    }
                    expect(']');
                    return l;
                }
            }
            case '"': return string();
            case 't': literal("true"); return Boolean.TRUE;
            case 'f': literal("false"); return Boolean.FALSE;
            case 'n': literal("null"); return null;
            default: return number();
        }
    }

    private void literal(String word) {
        if (!s.startsWith(word, p)) throw error("expected " + word);
        p += word.length();
    }

    private void expect(char c) {
        if (p >= s.length() || s.charAt(p) != c) throw error("expected '" + c + "'");
        p++;
    }

    private Object number() {
        int start = p;
        while (p < s.length() && "+-0123456789.eE".indexOf(s.charAt(p)) >= 0) p++;
        String t = s.substring(start, p);
        if (t.isEmpty()) throw error("unexpected character '" + s.charAt(p) + "'");
        if (t.matches("-?\\d+") && t.length() < 19) return Long.parseLong(t);
        return Double.parseDouble(t);
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = s.charAt(p++);
            if (c == '"') return sb.toString();
            if (c != '\\') { sb.append(c); continue; }
            char e = s.charAt(p++);
            switch (e) {
                case 'n': sb.append('\n'); break;
                case 't': sb.append('\t'); break;
                case 'r': sb.append('\r'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'u': sb.append((char) Integer.parseInt(s.substring(p, p + 4), 16)); p += 4; break;
                default: sb.append(e);
            }
        }
    }
}
