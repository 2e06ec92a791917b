package io.redismigrate.connector.rdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test helper: the shared RDB corpus ({@code ../shared/corpus} beside the project's checkout, or the directory in
 * system property {@code redis-migrate.corpus}) and its MANIFEST.md. The corpus is read in place, never copied into
 * the project.
 *
 * <p>A clone without {@code ../shared} skips the corpus tests with a printed notice; with
 * {@code -Dredis-migrate.corpus.require=true} a missing corpus fails them instead.
 */
final class Corpus {
    static final Path ROOT = System.getProperty("redis-migrate.corpus") != null
            ? Paths.get(System.getProperty("redis-migrate.corpus")) : projectRoot().resolveSibling("shared").resolve("corpus");
    static final boolean SKIP_IF_MISSING = !Boolean.getBoolean("redis-migrate.corpus.require");

    /** The project's root: the nearest directory up from the working directory holding both modules. */
    private static Path projectRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("connectors")) && Files.isDirectory(d.resolve("job"))) return d;
        }
        return dir;
    }

    private Corpus() {}

    /** The corpus root, checked: fails (or, only with the documented property, aborts) when it is missing. */
    static Path root() {
        if (!Files.isRegularFile(ROOT.resolve("MANIFEST.md")) || !Files.isDirectory(ROOT.resolve("rdb"))) {
            String msg = "RDB corpus not found: " + ROOT.resolve("MANIFEST.md") + " or " + ROOT.resolve("rdb")
                    + " is missing (../shared beside the checkout, or -Dredis-migrate.corpus=DIR); corpus tests skipped";
            if (SKIP_IF_MISSING) {
                System.err.println("NOTICE: " + msg);
                org.junit.jupiter.api.Assumptions.abort(msg);
            }
            fail(msg);
        }
        return ROOT;
    }

    static Path file(String relative) {
        Path p = root().resolve("rdb").resolve(relative);
        if (!Files.isRegularFile(p)) fail("corpus file missing: " + p);
        return p;
    }

    static byte[] bytes(String relative) throws IOException {
        return Files.readAllBytes(file(relative));
    }

    /** Every RDB of the corpus, relative to {@code rdb/}: the *.rdb files plus the RDB preamble of rdb-preamble.aof. */
    static List<String> rdbFiles() throws IOException {
        Path rdb = root().resolve("rdb");
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(rdb)) {
            s.filter(Files::isRegularFile)
                    .map(p -> rdb.relativize(p).toString())
                    .filter(n -> n.endsWith(".rdb") || n.endsWith("rdb-preamble.aof"))
                    .sorted()
                    .forEach(out::add);
        }
        if (out.size() < 150) fail("RDB corpus at " + rdb + " looks incomplete: only " + out.size() + " RDB files");
        return out;
    }

    /** One MANIFEST.md table row of a data file. */
    static final class Entry {
        String file;
        String version; // "RDB 9", "Valkey RDB 80", "n/a"
        long bytes;
        String says;
        String structure;
        int keys = -1;
        String dbs;
        final Map<String, Integer> types = new TreeMap<>();
        List<String> keyNames;
        final List<String> modules = new ArrayList<>();
        int functionLibs;

        @Override
        public String toString() {
            return file;
        }
    }

    private static Map<String, Entry> manifest;

    static synchronized Map<String, Entry> manifest() throws IOException {
        if (manifest != null) return manifest;
        Map<String, Entry> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(root().resolve("MANIFEST.md"), StandardCharsets.UTF_8)) {
            if (!line.startsWith("| `rdb/")) continue;
            String[] cells = line.substring(2, line.length() - 2).split(" \\| ", -1);
            Entry e = new Entry();
            e.file = cells[0].replace("`", "").substring("rdb/".length());
            e.version = cells[4];
            e.bytes = Long.parseLong(cells[5]);
            e.says = cells[7];
            e.structure = cells[cells.length - 1];
            parseStructure(e);
            m.put(e.file, e);
        }
        if (m.size() < 300) fail("MANIFEST.md has only " + m.size() + " file rows: format changed?");
        manifest = m;
        return m;
    }

    static Entry entry(String file) throws IOException {
        Entry e = manifest().get(file);
        if (e == null) fail("MANIFEST.md has no row for " + file);
        return e;
    }

    private static final Pattern MODULE = Pattern.compile("([A-Za-z0-9_-]{9})\\(encver (\\d+)(, aux)?\\)");

    private static void parseStructure(Entry e) {
        String s = e.structure;
        int names = s.indexOf("key names: ");
        if (names >= 0) {
            e.keyNames = List.of(s.substring(names + "key names: ".length()).split(", ", -1));
            s = s.substring(0, names);
        }
        for (String part : s.split("; ")) {
            part = part.trim();
            if (part.startsWith("keys=")) e.keys = Integer.parseInt(part.substring(5));
            else if (part.startsWith("dbs=")) e.dbs = part.substring(4);
            else if (part.startsWith("function libs=")) e.functionLibs = Integer.parseInt(part.substring(14));
            else if (part.startsWith("types: ")) {
                for (String t : part.substring(7).split(", ")) {
                    int x = t.lastIndexOf(" x");
                    e.types.merge(t.substring(0, x), Integer.parseInt(t.substring(x + 2)), Integer::sum);
                }
            } else if (part.startsWith("modules: ")) {
                Matcher mm = MODULE.matcher(part);
                while (mm.find()) if (mm.group(3) == null) e.modules.add(mm.group(1));
            }
        }
    }

    /** The manifest's name for an RDB value type. */
    /** The MANIFEST's name of a value type; in a Valkey file, type 22 is Valkey's hash2. */
    static String typeName(int type, boolean valkey) {
        return valkey && type == RdbConstants.VALKEY_TYPE_HASH_2_BYTE ? "valkey_hash2(field ttl)" : typeName(type);
    }

    static String typeName(int type) {
        switch (type) {
            case 0: return "string";
            case 1: return "list";
            case 2: return "set";
            case 3: return "zset";
            case 4: return "hash";
            case 5: return "zset2";
            case 7: return "module2";
            case 9: return "hash_zipmap";
            case 10: return "list_ziplist";
            case 11: return "set_intset";
            case 12: return "zset_ziplist";
            case 13: return "hash_ziplist";
            case 14: return "list_quicklist";
            case 15: return "stream_listpacks";
            case 16: return "hash_listpack";
            case 17: return "zset_listpack";
            case 18: return "list_quicklist2";
            case 19: return "stream_listpacks2";
            case 20: return "set_listpack";
            case 21: return "stream_listpacks3";
            case 22: return "hash_metadata_pre_ga";
            case 23: return "hash_listpack_ex_pre_ga";
            case 24: return "hash_metadata";
            case 25: return "hash_listpack_ex";
            case 26: return "stream_listpacks4";
            default: return "type" + type;
        }
    }

    /** A key name as the manifest prints it: the first 24 bytes, control bytes as \xNN, others as Latin-1. */
    static String manifestName(String latin1) {
        StringBuilder sb = new StringBuilder();
        String cut = latin1.length() > 24 ? latin1.substring(0, 24) : latin1;
        for (char c : cut.toCharArray()) {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }
}
