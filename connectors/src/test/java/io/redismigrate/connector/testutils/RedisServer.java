package io.redismigrate.connector.testutils;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A real redis-server process on a free loopback port, for tests. Started with debug commands enabled, no
 * persistence and {@code repl-diskless-sync-delay 0}; extra config arguments are passed as given.
 */
public final class RedisServer implements AutoCloseable {
    private final int port;
    private final Path dir;
    private volatile Process process;
    private final List<String> args;
    private final ServerVersion serverVersion;
    private TestCerts tls; // set for a TLS-only server: the Lettuce client then uses TLS with the CA and client cert
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private StatefulRedisConnection<byte[], byte[]> binary;
    private StatefulRedisConnection<byte[], byte[]> binaryAsync;

    private RedisServer(int port, Path dir, Process process, List<String> args, ServerVersion serverVersion) {
        this.serverVersion = serverVersion;
        this.port = port;
        this.dir = dir;
        this.process = process;
        this.args = args;
    }

    /** A server of the system version ({@link ServerVersions#system()}: $REDIS_SERVER or redis-server on PATH). */
    public static RedisServer start(String... extraArgs) throws IOException {
        return start(ServerVersions.system(), extraArgs);
    }

    /**
     * A server of version {@code v} on a free loopback port (never 6379): no persistence,
     * {@code repl-diskless-sync-delay 0}, DEBUG allowed ({@code --enable-debug-command yes} where the version has
     * the option; Redis 6.0 allows DEBUG without it), then {@code extraArgs}.
     */
    public static RedisServer start(ServerVersion v, String... extraArgs) throws IOException {
        return start(v, null, null, extraArgs);
    }

    /**
     * A server of the system version that listens for TLS only ({@code --port 0 --tls-port P}), with
     * {@code serverCert}, the CA of {@code certs} and {@code tls-auth-clients authClients} (yes, no or optional).
     * {@link #uri()} is then a {@code rediss://} URI; the helpers ({@link #sync()}…) connect with the CA and
     * the client certificate, without a host name check.
     */
    public static RedisServer startTls(TestCerts certs, TestCerts.Pair serverCert, String authClients, String... extraArgs)
            throws IOException {
        List<String> tlsArgs = List.of("--tls-cert-file", serverCert.cert().toString(), "--tls-key-file",
                serverCert.key().toString(), "--tls-ca-cert-file", certs.caCert.toString(), "--tls-auth-clients", authClients);
        RedisServer s = start(ServerVersions.system(), certs, tlsArgs, extraArgs);
        s.tls = certs;
        return s;
    }

    private static RedisServer start(ServerVersion v, TestCerts certs, List<String> tlsArgs, String... extraArgs) throws IOException {
        Path dir = Files.createTempDirectory("redis-migrate-test");
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            List<String> cmd = new ArrayList<>(List.of(v.executable()));
            if (certs == null) {
                cmd.addAll(List.of("--port", String.valueOf(port)));
            } else {
                cmd.addAll(List.of("--port", "0", "--tls-port", String.valueOf(port)));
                cmd.addAll(tlsArgs);
            }
            cmd.addAll(List.of("--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
            if (v.debugCommandOption()) cmd.addAll(List.of("--enable-debug-command", "yes"));
            cmd.addAll(List.of("--repl-diskless-sync-delay", "0", "--daemonize", "no", "--protected-mode", "no"));
            cmd.addAll(Arrays.asList(extraArgs));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
            if (waitForPort(port, p)) {
                return new RedisServer(port, dir, p, cmd, v);
            }
            p.destroyForcibly();
            last = new IOException(v.name() + " redis-server did not start on port " + port + ": "
                    + Files.readString(dir.resolve("redis-" + port + ".log")));
        }
        throw last;
    }

    /** Path of redis-server: $REDIS_SERVER, else from PATH. */
    public static String executable() {
        String env = System.getenv("REDIS_SERVER");
        return env != null ? env : "redis-server";
    }

    /** Major.minor version of the system redis-server binary, for example 7.0. */
    public static double version() {
        return ServerVersions.system().number();
    }

    public static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = s.getLocalPort();
                if (port != 6379) return port;
            }
        }
    }

    private static boolean waitForPort(int port, Process p) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) return false;
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                try { Thread.sleep(20); } catch (InterruptedException ie) { Thread.currentThread().interrupt(); return false; }
            }
        }
        return false;
    }

    public int port() { return port; }
    /** The version this server runs. */
    public ServerVersion serverVersion() { return serverVersion; }
    public Path dir() { return dir; }

    public String uri() { return scheme() + "://127.0.0.1:" + port; }

    /** URI with credentials, e.g. {@code uri("alice", "secret")} or {@code uri(null, "secret")}. */
    public String uri(String user, String password) {
        return scheme() + "://" + (user == null ? "" : user) + ":" + password + "@127.0.0.1:" + port;
    }

    private String scheme() { return tls == null ? "redis" : "rediss"; }

    public RedisCommands<String, String> sync() {
        if (connection == null) connection = client().connect();
        return connection.sync();
    }

    public RedisCommands<byte[], byte[]> binary() {
        if (binary == null) binary = client().connect(ByteArrayCodec.INSTANCE);
        return binary.sync();
    }

    /** A separate binary connection for pipelined (async) use, e.g. DUMP or checks of many keys. */
    public io.lettuce.core.api.async.RedisAsyncCommands<byte[], byte[]> binaryAsync() {
        if (binaryAsync == null) binaryAsync = client().connect(ByteArrayCodec.INSTANCE);
        return binaryAsync.async();
    }

    private RedisClient client() {
        if (client == null) {
            RedisURI.Builder uri = RedisURI.builder().withHost("127.0.0.1").withPort(port).withTimeout(Duration.ofSeconds(60));
            if (clientPassword != null) uri.withPassword(clientPassword.toCharArray());
            if (tls != null) uri.withSsl(true).withVerifyPeer(SslVerifyMode.CA);
            client = RedisClient.create(uri.build());
            if (tls != null) {
                client.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider()
                        .trustManager(tls.caCert.toFile())
                        .keyManager(tls.client.cert().toFile(), tls.client.key().toFile(), null).build()).build());
            }
        }
        return client;
    }

    private String clientPassword;

    /** The password the test's own connections AUTH with, or null. */
    public String clientPassword() {
        return clientPassword;
    }

    /** The password the test's own connections AUTH with from now on (after a requirepass or its rotation). */
    public RedisServer withClientPassword(String password) {
        closeClients();
        clientPassword = password;
        return this;
    }

    /** Runs any command through the string connection; the reply is returned as Lettuce's nested list form. */
    public java.util.List<Object> call(String... args) {
        io.lettuce.core.protocol.CommandArgs<String, String> a =
                new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8);
        for (int i = 1; i < args.length; i++) a.add(args[i]);
        return sync().dispatch(new GenericType(args[0]),
                new io.lettuce.core.output.NestedMultiOutput<>(io.lettuce.core.codec.StringCodec.UTF8), a);
    }

    public String digest() {
        return String.valueOf(call("DEBUG", "DIGEST").get(0));
    }

    /** SIGKILL of the server, keeping its directory (and any AOF/RDB files there) for {@link #restart()}. */
    public void kill() throws InterruptedException {
        closeClients();
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts the server again with the same arguments: same port, same directory. */
    public void restart() throws IOException {
        if (process.isAlive()) throw new IllegalStateException("redis-server on port " + port + " is still running");
        Process p = new ProcessBuilder(args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile())).start();
        if (!waitForPort(port, p)) {
            p.destroyForcibly();
            throw new IOException("redis-server did not restart on port " + port + ": "
                    + Files.readString(dir.resolve("redis-" + port + ".log")));
        }
        process = p;
    }

    private void closeClients() {
        if (connection != null) connection.close();
        if (binary != null) binary.close();
        if (binaryAsync != null) binaryAsync.close();
        if (client != null) client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        connection = null;
        binary = null;
        binaryAsync = null;
        client = null;
    }

    /** Stops the process (SIGKILL) and removes its directory. */
    @Override
    public void close() {
        closeClients();
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static final class GenericType implements io.lettuce.core.protocol.ProtocolKeyword {
        private final byte[] bytes;
        GenericType(String name) { this.bytes = name.getBytes(); }
        @Override public byte[] getBytes() { return bytes; }
        @Override public String toString() { return new String(bytes); }
    }
}
