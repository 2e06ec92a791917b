package io.redismigrate.connector.resp;

import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A Redis node address parsed from {@code redis://[[user]:password@]host:port} ({@code rediss://} for TLS).
 * {@link #toString()} never shows the password.
 *
 * <p>The password is either part of the URI, or a reference resolved each time a connection is opened, in the
 * process that opens it ({@link #withPasswordFile}, {@link #withPasswordEnv}): a referenced password stays out
 * of the job graph, and a rotated file applies at the next connection.
 */
public final class RedisEndpoint implements Serializable {
    private static final long serialVersionUID = 2L;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    /** "file:PATH" or "env:NAME": where {@link #password()} is read from when the URI has none; null otherwise. */
    private final String passwordFrom;
    private final boolean tls;
    // TLS: set only on a fresh copy (withAddress, withTls) before it is shared; null = TlsSettings.DEFAULTS
    private TlsSettings tlsSettings;

    public RedisEndpoint(String host, int port, String user, String password, boolean tls) {
        this(host, port, user, password, null, tls);
    }

    private RedisEndpoint(String host, int port, String user, String password, String passwordFrom, boolean tls) {
        this.host = Objects.requireNonNull(host);
        this.port = port;
        this.user = user;
        this.password = password;
        this.passwordFrom = passwordFrom;
        this.tls = tls;
        if (password != null) Secrets.register(password);
    }

    public static RedisEndpoint parse(String uri) {
        if (uri == null || uri.isBlank()) throw new IllegalArgumentException("empty Redis URI");
        // the raw URI may hold a password: messages show only redact(uri), and the password is registered with
        // Secrets before anything else can fail, so a message built from a parse error is masked too
        registerRawPassword(uri);
        URI u;
        try {
            u = new URI(uri.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a Redis URI: " + redact(uri) + " (expected redis://[[user]:password@]host:port;"
                    + " percent-encode special characters in the password, or use --source-password-file)");
        }
        String scheme = u.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException("not a Redis URI: " + redact(uri) + " (expected redis://[[user]:password@]host:port)");
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("no host in Redis URI " + redact(uri) + " (expected redis://[[user]:password@]host:port;"
                    + " percent-encode special characters in the password, e.g. / as %2F)");
        }
        int port = u.getPort() < 0 ? 6379 : u.getPort();
        String user = null;
        String password = null;
        String info = u.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = decode(info, uri);
            } else {
                user = colon == 0 ? null : decode(info.substring(0, colon), uri);
                password = decode(info.substring(colon + 1), uri);
            }
            if (password != null && password.isEmpty()) password = null;
        }
        return new RedisEndpoint(u.getHost(), port, user, password, "rediss".equals(scheme));
    }

    private static void registerRawPassword(String uri) {
        int start = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        if (start < 0 || at <= start) return;
        String info = uri.substring(start + 3, at);
        int colon = info.indexOf(':');
        String raw = colon < 0 ? info : info.substring(colon + 1);
        Secrets.register(raw);
        try {
            Secrets.register(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException ignored) {
            // not decodable: parse() reports that, masked
        }
    }

    private static String decode(String s, String uri) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad %-escape in the credentials of Redis URI " + redact(uri)
                    + " (a % in a password is written %25)");
        }
    }

    /**
     * {@code text} with the credentials of every Redis URI in it replaced by "***", and every password this
     * process has seen ({@link Secrets}) masked: for messages and logs.
     */
    public static String redact(String text) {
        if (text == null) return null;
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        while (true) {
            int scheme = nextScheme(text, from);
            if (scheme < 0) break;
            int begin = text.indexOf("://", scheme) + 3;
            int end = begin;
            while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != '\''
                    && text.charAt(end) != '"') end++;
            int at = text.lastIndexOf('@', end - 1);
            out.append(text, from, begin);
            if (at >= begin) {
                out.append("***");
                from = at;
            } else {
                from = begin;
            }
        }
        out.append(text, from, text.length());
        return Secrets.mask(out.toString());
    }

    private static int nextScheme(String text, int from) {
        int a = text.indexOf("redis://", from);
        int b = text.indexOf("rediss://", from);
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }

    public String host() { return host; }
    public int port() { return port; }
    public String user() { return user; }
    public boolean tls() { return tls; }

    /** The URI's password, or null (see {@link #resolvePassword()} for a referenced one). */
    public String password() { return password; }

    /** Where a referenced password comes from, for messages ("file /run/secrets/pw", "environment variable X"), or null. */
    public String passwordSource() {
        if (passwordFrom == null) return null;
        return passwordFrom.startsWith("file:") ? "file " + passwordFrom.substring(5)
                : "environment variable " + passwordFrom.substring(4);
    }

    /** Whether a password is given, in the URI or by reference. */
    public boolean hasPassword() {
        return password != null || passwordFrom != null;
    }

    /**
     * The password to AUTH with: the URI's, or the referenced one read now (a file's trailing newline dropped).
     *
     * @throws RedisAccessException the reference cannot be read in this process
     */
    public String resolvePassword(String role) throws RedisAccessException {
        if (password != null || passwordFrom == null) return password;
        String value;
        if (passwordFrom.startsWith("file:")) {
            Path file = Path.of(passwordFrom.substring(5));
            try {
                value = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new RedisAccessException(role + " " + this + ": cannot read the password file " + file + " ("
                        + e.getClass().getSimpleName() + "); it must exist on every machine that runs the job (a mounted Secret)");
            }
            value = stripNewline(value);
        } else {
            String name = passwordFrom.substring(4);
            value = System.getenv(name);
            if (value == null) {
                throw new RedisAccessException(role + " " + this + ": the password comes from environment variable " + name
                        + ", which is not set in this process; set it on every Flink process (e.g. from a Kubernetes Secret)"
                        + " or use --" + role + "-password-file");
            }
        }
        Secrets.register(value);
        return value.isEmpty() ? null : value;
    }

    private static String stripNewline(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) end--;
        return s.substring(0, end);
    }

    /** This endpoint with its password read from {@code file} at each connection (instead of the URI's). */
    public RedisEndpoint withPasswordFile(String file) {
        return copyTls(new RedisEndpoint(host, port, user, null, "file:" + Path.of(file).toAbsolutePath().normalize(), tls));
    }

    /** This endpoint with its password read from environment variable {@code name} at each connection. */
    public RedisEndpoint withPasswordEnv(String name) {
        return copyTls(new RedisEndpoint(host, port, user, null, "env:" + name, tls));
    }

    public RedisEndpoint withAddress(String newHost, int newPort) {
        return copyTls(new RedisEndpoint(newHost, newPort, user, password, passwordFrom, tls));
    }

    private RedisEndpoint copyTls(RedisEndpoint e) {
        e.tlsSettings = tlsSettings;
        return e;
    }

    /** CA, client certificate and checks for rediss:// connections; null: the defaults. */
    public TlsSettings tlsSettings() { return tlsSettings; }

    public RedisEndpoint withTls(TlsSettings settings) {
        RedisEndpoint e = withAddress(host, port);
        e.tlsSettings = settings;
        return e;
    }

    /** host:port, the form used in every message. */
    @Override
    public String toString() {
        return host + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RedisEndpoint)) return false;
        RedisEndpoint e = (RedisEndpoint) o;
        return port == e.port && tls == e.tls && host.equals(e.host) && Objects.equals(user, e.user)
                && Objects.equals(password, e.password) && Objects.equals(passwordFrom, e.passwordFrom);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, user, tls);
    }
}
