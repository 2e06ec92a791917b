package io.redismigrate.connector.resp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

/**
 * A blocking connection to one Redis node: connect, AUTH, then request/reply or pipelined use through
 * {@link #writer()} and {@link #reader()}. Failures to connect or authenticate become a
 * {@link RedisAccessException} whose message tells the operator what to fix.
 */
public final class RedisConnection implements Closeable {
    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 5000;

    private final RedisEndpoint endpoint;
    private final String role;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final RespReader reader;
    private final RespWriter writer;

    private RedisConnection(RedisEndpoint endpoint, String role, Socket socket) throws IOException {
        this.endpoint = endpoint;
        this.role = role;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        this.reader = new RespReader(in);
        this.writer = new RespWriter(out);
    }

    /**
     * Connects and authenticates. {@code role} ("source", "target") names the node in messages.
     */
    public static RedisConnection open(RedisEndpoint endpoint, String role, int timeoutMs) throws RedisAccessException {
        Socket socket;
        try {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), timeoutMs);
            socket.setSoTimeout(timeoutMs);
        } catch (UnknownHostException e) {
            throw new RedisAccessException(role + " " + endpoint + ": unknown host '" + endpoint.host() + "'; check the host name in the URI");
        } catch (ConnectException e) {
            throw new RedisAccessException(role + " " + endpoint + " is unreachable (connection refused); check that Redis runs there and the host and port in the URI");
        } catch (SocketTimeoutException e) {
            throw new RedisAccessException(role + " " + endpoint + " is unreachable (no answer within " + timeoutMs + " ms); check the address and any firewall");
        } catch (IOException e) {
            throw new RedisAccessException(role + " " + endpoint + " is unreachable (" + e.getMessage() + "); check the address and network");
        }
        TlsHandshake tls = endpoint.tls() ? new TlsHandshake(endpoint, role) : null;
        if (tls != null) socket = tls.wrap(socket, timeoutMs);
        RedisConnection c = null;
        try {
            c = new RedisConnection(endpoint, role, socket);
            c.authenticate();
            return c;
        } catch (RedisAccessException e) {
            closeQuietly(c, socket);
            throw e;
        } catch (IOException e) {
            closeQuietly(c, socket);
            String tlsProblem = tls == null ? null : tls.explainAfterHandshake(e);
            if (tlsProblem != null) throw new RedisAccessException(tlsProblem);
            throw new RedisAccessException(role + " " + endpoint + " closed the connection during the handshake (" + e.getMessage() + "); is it a Redis server, and does it need TLS (rediss://)?");
        }
    }

    private static void closeQuietly(RedisConnection c, Socket s) {
        try {
            if (c != null) c.close(); else s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private void authenticate() throws IOException {
        Object reply;
        String password = endpoint.resolvePassword(role);
        if (password != null) {
            reply = endpoint.user() == null ? call("AUTH", password) : call("AUTH", endpoint.user(), password);
            if (reply instanceof RespError) {
                RespError e = (RespError) reply;
                String who = endpoint.user() == null ? "the password" : "user '" + endpoint.user() + "' or its password";
                if (e.message().contains("without any password configured") || e.message().contains("no password is set")) {
                    // Redis < 6 with no requirepass: the password is unnecessary; carry on
                } else {
                    throw new RedisAccessException(role + " " + endpoint + " refused " + who + " (" + e.code() + "); fix the credentials in the "
                            + (endpoint.passwordSource() != null ? endpoint.passwordSource() : "--" + role + " URI"));
                }
            }
        }
        reply = call("PING");
        if (reply instanceof RespError) {
            RespError e = (RespError) reply;
            if ("NOAUTH".equals(e.code())) {
                throw new RedisAccessException(role + " " + endpoint + " requires a password (NOAUTH); add it to the --" + role
                        + " URI as redis://:PASSWORD@host:port or pass --" + role + "-password-file FILE");
            }
            if ("NOPERM".equals(e.code())) {
                // PING forbidden by ACL: not fatal on its own, the real commands will tell
                return;
            }
            throw new RedisAccessException(role + " " + endpoint + " answered PING with an error: " + e.message());
        }
    }

    /** Sends one command and reads its reply (errors are returned as {@link RespError}, not thrown). */
    public Object call(String... args) throws IOException {
        writer.command(args);
        writer.flush();
        return reader.read();
    }

    public Object call(byte[]... args) throws IOException {
        writer.command(args);
        writer.flush();
        return reader.read();
    }

    /** INFO section parsed into a map of field → value. */
    public Map<String, String> info(String section) throws IOException {
        Object reply = call("INFO", section);
        if (reply instanceof RespError) {
            throw new RedisAccessException(role + " " + endpoint + " refused INFO: " + ((RespError) reply).message()
                    + "; the user needs the INFO command");
        }
        Map<String, String> m = new HashMap<>();
        for (String line : RespReader.text(reply).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) m.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return m;
    }

    public RespReader reader() { return reader; }
    public RespWriter writer() { return writer; }
    public InputStream input() { return in; }
    public OutputStream output() { return out; }
    public RedisEndpoint endpoint() { return endpoint; }
    public String role() { return role; }

    public void setReadTimeout(int ms) throws IOException {
        socket.setSoTimeout(ms);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
