package io.redismigrate.connector.resp;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A Redis node address parsed from {@code redis://[[user]:password@]host:port} ({@code rediss://} for TLS).
 * {@link #toString()} never shows the password.
 */
public final class RedisEndpoint implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final boolean tls;
    // TLS: set only on a fresh copy (withAddress, withTls) before it is shared; null = TlsSettings.DEFAULTS
    private TlsSettings tlsSettings;

    public RedisEndpoint(String host, int port, String user, String password, boolean tls) {
        this.host = Objects.requireNonNull(host);
        this.port = port;
        this.user = user;
        this.password = password;
        this.tls = tls;
    }

    public static RedisEndpoint parse(String uri) {
        if (uri == null || uri.isBlank()) throw new IllegalArgumentException("empty Redis URI");
        URI u;
        try {
            u = new URI(uri.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a Redis URI: " + redact(uri) + " (expected redis://[[user]:password@]host:port)");
        }
        String scheme = u.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException("not a Redis URI: " + redact(uri) + " (expected redis://[[user]:password@]host:port)");
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("no host in Redis URI " + redact(uri));
        }
        int port = u.getPort() < 0 ? 6379 : u.getPort();
        String user = null;
        String password = null;
        String info = u.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = decode(info);
            } else {
                user = colon == 0 ? null : decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            }
            if (password != null && password.isEmpty()) password = null;
        }
        return new RedisEndpoint(u.getHost(), port, user, password, "rediss".equals(scheme));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The URI with any password replaced by "***", for messages. */
    public static String redact(String uri) {
        return uri == null ? null : uri.replaceAll("(rediss?://)([^@/]*)@", "$1***@");
    }

    public String host() { return host; }
    public int port() { return port; }
    public String user() { return user; }
    public String password() { return password; }
    public boolean tls() { return tls; }

    public RedisEndpoint withAddress(String newHost, int newPort) {
        RedisEndpoint e = new RedisEndpoint(newHost, newPort, user, password, tls);
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
                && Objects.equals(password, e.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, user, tls);
    }
}
