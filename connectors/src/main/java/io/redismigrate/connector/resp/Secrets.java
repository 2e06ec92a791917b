package io.redismigrate.connector.resp;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every password this process has parsed or read, so that a message can be masked whatever path built it
 * (an exception text quoting an argument, a library's message). {@link RedisEndpoint#redact} applies it.
 */
public final class Secrets {
    /** Shorter values would mask ordinary words in messages; such passwords are weak anyway. */
    private static final int MIN_LENGTH = 3;
    private static final List<String> KNOWN = new CopyOnWriteArrayList<>();

    private Secrets() {}

    public static void register(String secret) {
        if (secret == null || secret.length() < MIN_LENGTH || KNOWN.contains(secret)) return;
        KNOWN.add(secret);
        // longest first, so a password containing another one is masked whole
        KNOWN.sort(Comparator.comparingInt(String::length).reversed());
    }

    /** {@code text} with every known secret replaced by "***". */
    public static String mask(String text) {
        if (text == null) return null;
        for (String s : KNOWN) {
            if (text.contains(s)) text = text.replace(s, "***");
        }
        return text;
    }
}
