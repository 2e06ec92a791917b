package io.redismigrate.connector.testutils;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Certificates made with {@code openssl} at run time, in a temp directory: a CA, a server certificate for
 * {@code IP:127.0.0.1, DNS:localhost}, one for {@code DNS:other.example} only, and client certificates signed by
 * the CA (RSA with its key as PKCS#8 and as PKCS#1, EC with a SEC1 key). {@link #create()} skips the test with a
 * printed notice when openssl or the redis-server's TLS support is missing.
 */
public final class TestCerts {
    public final Path dir;
    public final Path caCert;
    /** A second CA that signed nothing the servers use. */
    public final Path otherCaCert;
    public final Pair server;
    public final Pair otherName;
    public final Pair client;
    /** {@link #client}'s key as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). */
    public final Path clientRsaKey;
    /** An EC client certificate whose key is SEC1 ({@code BEGIN EC PRIVATE KEY}, after an EC PARAMETERS block). */
    public final Pair ecClient;

    /** A certificate and its private key. */
    public record Pair(Path cert, Path key) {}

    private TestCerts(Path dir) {
        this.dir = dir;
        this.caCert = dir.resolve("ca.crt");
        this.otherCaCert = dir.resolve("other-ca.crt");
        this.server = pair("server");
        this.otherName = pair("other-name");
        this.client = pair("client");
        this.clientRsaKey = dir.resolve("client-rsa.key");
        this.ecClient = pair("ec-client");
    }

    private Pair pair(String name) {
        return new Pair(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
    }

    /** Makes the certificates, or skips the calling test when openssl or TLS in redis-server is missing. */
    public static TestCerts create() throws IOException, InterruptedException {
        assumeTrue(run(null, "openssl", "version"), "openssl is not installed");
        assumeTrue(tlsBuilt(), "redis-server " + RedisServer.executable() + " is built without TLS");
        TestCerts c = new TestCerts(Files.createTempDirectory("redis-migrate-tls"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(c.dir))); // servers may still read them until then
        c.ca("ca");
        c.ca("other-ca");
        c.signed("server", newRsa(c.server.key()), "subjectAltName=IP:127.0.0.1,DNS:localhost");
        c.signed("other-name", newRsa(c.otherName.key()), "subjectAltName=DNS:other.example");
        c.signed("client", newRsa(c.client.key()), "extendedKeyUsage=clientAuth");
        c.openssl("rsa", "-in", c.client.key().toString(), "-traditional", "-out", c.clientRsaKey.toString());
        c.openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", c.ecClient.key().toString());
        c.signed("ec-client", List.of(), "extendedKeyUsage=clientAuth");
        return c;
    }

    private static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static void assumeTrue(boolean ok, String why) {
        if (!ok) System.out.println("NOTICE: TLS test skipped: " + why);
        Assumptions.assumeTrue(ok, why);
    }

    private static boolean tlsBuilt() throws IOException, InterruptedException {
        // a build with TLS checks the TLS settings before it listens; one without does not know them
        Process p = new ProcessBuilder(RedisServer.executable(), "--port", "0", "--tls-port", "1", "--tls-cert-file",
                "/nonexistent", "--tls-key-file", "/nonexistent").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.contains("tls-ca-cert-file");
    }

    private static List<String> newRsa(Path key) {
        return List.of("-newkey", "rsa:2048", "-nodes", "-keyout", key.toString());
    }

    private void ca(String name) throws IOException, InterruptedException {
        openssl("req", "-x509", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve(name + ".key").toString(),
                "-out", dir.resolve(name + ".crt").toString(), "-days", "2", "-subj", "/CN=redis-migrate test " + name);
    }

    /** A certificate signed by the CA with the extension {@code ext}; {@code keyArgs} empty: the key file exists. */
    private void signed(String name, List<String> keyArgs, String ext) throws IOException, InterruptedException {
        Path csr = dir.resolve(name + ".csr");
        Path extFile = dir.resolve(name + ".ext");
        Files.writeString(extFile, ext + "\n");
        List<String> req = new ArrayList<>(List.of("req", "-new", "-subj", "/CN=" + name, "-out", csr.toString()));
        if (keyArgs.isEmpty()) req.addAll(List.of("-key", dir.resolve(name + ".key").toString()));
        else req.addAll(keyArgs);
        openssl(req.toArray(new String[0]));
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", dir.resolve("ca.key").toString(),
                "-CAcreateserial", "-days", "2", "-extfile", extFile.toString(), "-out", dir.resolve(name + ".crt").toString());
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        if (!run(dir, cmd.toArray(new String[0]))) throw new IOException("openssl failed: " + String.join(" ", cmd));
    }

    private static boolean run(Path dir, String... cmd) throws InterruptedException {
        try {
            ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (dir != null) b.directory(dir.toFile());
            Process p = b.start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
