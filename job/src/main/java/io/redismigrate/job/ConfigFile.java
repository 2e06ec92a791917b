package io.redismigrate.job;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads the option values of a {@code --config} file. Keys are the option names without {@code --}.
 * <ul>
 *   <li>{@code .properties}: {@code key=value}; a repeatable option takes several values as {@code key.1=…},
 *       {@code key.2=…} (in key order); {@code db} and {@code db-map} also accept a comma list.</li>
 *   <li>anything else is read as a YAML subset: {@code key: value} lines, {@code # comments}, quoted values
 *       ({@code "…"} or {@code '…'}), flow lists {@code key: [a, b]} and block lists ({@code key:} followed by
 *       {@code - item} lines).</li>
 * </ul>
 */
final class ConfigFile {
    private ConfigFile() {}

    /** Key → values, in file order. */
    static Map<String, List<String>> read(Path file) throws UsageException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("--config: file " + file + " does not exist");
        } catch (IOException e) {
            throw new UsageException("--config: cannot read " + file + " (" + e.getMessage() + ")");
        }
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".properties") ? properties(text, file) : yaml(text, file);
    }

    static Map<String, List<String>> properties(String text, Path file) throws UsageException {
        Properties p = new Properties();
        try (Reader r = new java.io.StringReader(text)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("--config: " + file + " is not a valid properties file (" + e.getMessage() + ")");
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String key : toMap(p).keySet()) {
            String base = key;
            int dot = key.lastIndexOf('.');
            if (dot > 0 && key.substring(dot + 1).matches("\\d+")) base = key.substring(0, dot);
            out.computeIfAbsent(base, k -> new ArrayList<>()).add(p.getProperty(key).trim());
        }
        return out;
    }

    private static Map<String, String> toMap(Properties p) {
        Map<String, String> m = new TreeMap<>((a, b) -> {
            // numeric suffixes in numeric order: include-prefix.2 before include-prefix.10
            String[] x = splitSuffix(a);
            String[] y = splitSuffix(b);
            int c = x[0].compareTo(y[0]);
            if (c != 0) return c;
            return Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
        });
        for (String k : p.stringPropertyNames()) m.put(k.trim(), p.getProperty(k));
        return m;
    }

    private static String[] splitSuffix(String key) {
        int dot = key.lastIndexOf('.');
        if (dot > 0 && key.substring(dot + 1).matches("\\d{1,18}")) return new String[] {key.substring(0, dot), key.substring(dot + 1)};
        return new String[] {key, "-1"};
    }

    static Map<String, List<String>> yaml(String text, Path file) throws UsageException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String listKey = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            String line = stripComment(raw).stripTrailing();
            if (line.isBlank() || line.trim().equals("---")) continue;
            String where = file + " line " + (i + 1);
            String trimmed = line.trim();
            if (trimmed.startsWith("- ") || trimmed.equals("-")) {
                if (listKey == null) throw new UsageException("--config: " + where + ": list item without a key above it");
                out.get(listKey).add(unquote(trimmed.substring(1).trim(), where));
                continue;
            }
            if (Character.isWhitespace(line.charAt(0))) {
                throw new UsageException("--config: " + where + ": nested values are not supported (use 'key: value' lines)");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) throw new UsageException("--config: " + where + ": expected 'key: value'");
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (out.containsKey(key)) throw new UsageException("--config: " + where + ": '" + key + "' is set twice");
            List<String> values = new ArrayList<>();
            out.put(key, values);
            listKey = null;
            if (value.isEmpty()) {
                listKey = key; // block list follows (or an empty value)
            } else if (value.startsWith("[")) {
                if (!value.endsWith("]")) throw new UsageException("--config: " + where + ": unterminated list '" + value + "'");
                String inner = value.substring(1, value.length() - 1).trim();
                if (!inner.isEmpty()) {
                    for (String item : splitFlow(inner)) values.add(unquote(item.trim(), where));
                }
            } else {
                values.add(unquote(value, where));
            }
        }
        return out;
    }

    /** Removes a {@code #} comment that starts a line or follows whitespace, outside quotes. */
    private static String stripComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static List<String> splitFlow(String inner) {
        List<String> items = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        for (char c : inner.toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0;
                cur.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
                cur.append(c);
            } else if (c == ',') {
                items.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        items.add(cur.toString());
        return items;
    }

    private static String unquote(String v, String where) throws UsageException {
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
            char q = v.charAt(0);
            if (v.charAt(v.length() - 1) != q) throw new UsageException("--config: " + where + ": unterminated quote in " + v);
            String s = v.substring(1, v.length() - 1);
            if (q == '\'') return s.replace("''", "'");
            return s.replace("\\\"", "\"").replace("\\\\", "\\");
        }
        if (v.startsWith("\"") || v.startsWith("'")) throw new UsageException("--config: " + where + ": unterminated quote in " + v);
        return v;
    }
}
