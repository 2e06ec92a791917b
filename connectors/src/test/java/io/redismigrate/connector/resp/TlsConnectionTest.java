package io.redismigrate.connector.resp;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestCerts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rediss://} connections against real TLS redis-servers with certificates made by openssl at run time. */
class TlsConnectionTest {
    private static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.create();
    }

    private static RedisEndpoint endpoint(String host, RedisServer server, TlsSettings tls) {
        return new RedisEndpoint(host, server.port(), null, null, true).withTls(tls);
    }

    private static TlsSettings ca(Path caFile) {
        return new TlsSettings(caFile.toString(), null, null, false);
    }

    private static void assertPing(RedisEndpoint e) throws Exception {
        try (RedisConnection c = RedisConnection.open(e, "source", 5000)) {
            assertEquals("PONG", RespReader.text(c.call("PING")));
        }
    }

    private static String refusal(RedisEndpoint e) {
        return assertThrows(RedisAccessException.class, () -> RedisConnection.open(e, "source", 5000).close()).getMessage();
    }

    @Test
    void trustedChainAndMatchingNameConnectByIpAndByName() throws Exception {
        try (RedisServer s = RedisServer.startTls(certs, certs.server, "no")) {
            assertPing(endpoint("127.0.0.1", s, ca(certs.caCert)));
            assertPing(endpoint("localhost", s, ca(certs.caCert)));
        }
    }

    @Test
    void certificateForAnotherHostIsRefusedWithTheNamesAndTheFix() throws Exception {
        try (RedisServer s = RedisServer.startTls(certs, certs.otherName, "no")) {
            String m = refusal(endpoint("127.0.0.1", s, ca(certs.caCert)));
            assertEquals("source 127.0.0.1:" + s.port() + ": TLS certificate does not match the host name 127.0.0.1"
                    + " (certificate names: DNS:other.example); connect by a name the certificate has, or fix the"
                    + " certificate (--source-tls-skip-verify disables the check)", m);
            assertTrue(refusal(endpoint("localhost", s, ca(certs.caCert))).contains("does not match the host name localhost"));
        }
    }

    @Test
    void untrustedChainIsRefusedNamingTheCaOption() throws Exception {
        try (RedisServer s = RedisServer.startTls(certs, certs.server, "no")) {
            String m = refusal(endpoint("127.0.0.1", s, null));
            assertTrue(m.startsWith("source 127.0.0.1:" + s.port() + ": TLS certificate not trusted (issued by CN=redis-migrate test ca,"), m);
            assertTrue(m.endsWith("; pass the CA with --source-tls-ca-cert FILE"), m);
            String other = refusal(endpoint("127.0.0.1", s, ca(certs.otherCaCert)));
            assertTrue(other.contains("not by a CA in " + certs.otherCaCert), other);
        }
    }

    @Test
    void skipVerifyAcceptsACertificateForAnotherHostAndAnUnknownCa() throws Exception {
        try (RedisServer s = RedisServer.startTls(certs, certs.otherName, "no")) {
            assertPing(endpoint("127.0.0.1", s, new TlsSettings(null, null, null, true)));
        }
    }

    @Test
    void clientCertificateInEveryKeyFormatWhenTheServerRequiresOne() throws Exception {
        try (RedisServer s = RedisServer.startTls(certs, certs.server, "yes")) {
            String c = certs.client.cert().toString();
            assertPing(endpoint("127.0.0.1", s, new TlsSettings(certs.caCert.toString(), c, certs.client.key().toString(), false)));
            assertPing(endpoint("127.0.0.1", s, new TlsSettings(certs.caCert.toString(), c, certs.clientRsaKey.toString(), false)));
            assertPing(endpoint("127.0.0.1", s, new TlsSettings(certs.caCert.toString(), certs.ecClient.cert().toString(),
                    certs.ecClient.key().toString(), false)));
        }
    }

    @Test
    void missingClientCertificateIsRefusedNamingTheOptions() throws Exception {
        try (RedisServer s = RedisServer.startTls(certs, certs.server, "yes")) {
            assertEquals("source 127.0.0.1:" + s.port() + ": the server requires a client certificate (tls-auth-clients);"
                    + " pass --source-tls-cert FILE and --source-tls-key FILE", refusal(endpoint("127.0.0.1", s, ca(certs.caCert))));
        }
    }

    @Test
    void rotatedCaFileAppliesAtTheNextConnection(@TempDir Path dir) throws Exception {
        Path caFile = dir.resolve("ca.pem");
        Files.copy(certs.otherCaCert, caFile);
        try (RedisServer s = RedisServer.startTls(certs, certs.server, "no")) {
            assertTrue(refusal(endpoint("127.0.0.1", s, ca(caFile))).contains("TLS certificate not trusted"));
            Files.copy(certs.caCert, caFile, StandardCopyOption.REPLACE_EXISTING);
            assertPing(endpoint("127.0.0.1", s, ca(caFile)));
        }
    }

    @Test
    void unreadableKeyIsOneLineNamingTheFileNotItsContent(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("client.key");
        Files.writeString(key, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
        try (RedisServer s = RedisServer.startTls(certs, certs.server, "yes")) {
            String m = refusal(endpoint("127.0.0.1", s,
                    new TlsSettings(certs.caCert.toString(), certs.client.cert().toString(), key.toString(), false)));
            assertTrue(m.contains(key + ": the private key is encrypted"), m);
            assertTrue(m.contains("openssl pkcs8 -topk8 -nocrypt"), m);
            assertTrue(!m.contains("MIIB"), m);
        }
    }

    @Test
    void plainPortIsExplained() throws Exception {
        try (RedisServer s = RedisServer.start()) {
            String m = refusal(endpoint("127.0.0.1", s, ca(certs.caCert)));
            assertTrue(m.startsWith("source 127.0.0.1:" + s.port() + ": "), m);
            assertTrue(m.contains("TLS handshake answer") && m.contains("redis://"), m);
        }
    }

    /** SNI is observed with a JDK TLS server: sent for a host name, not for an IP address. */
    @Test
    void sniCarriesTheHostNameButNotAnIpAddress() throws Exception {
        assertEquals(List.of("localhost"), sniSeenConnectingTo("localhost"));
        assertEquals(List.of(), sniSeenConnectingTo("127.0.0.1"));
    }

    private static List<String> sniSeenConnectingTo(String host) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", Pem.privateKey(certs.server.key()), new char[0],
                Pem.certificates(certs.server.cert()).toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> seen = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.startHandshake();
                    List<String> names = ((ExtendedSSLSession) s.getSession()).getRequestedServerNames().stream()
                            .map(n -> new String(((SNIServerName) n).getEncoded(), StandardCharsets.US_ASCII)).toList();
                    s.getInputStream().read(new byte[64]); // PING
                    s.getOutputStream().write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    return names;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            RedisEndpoint e = new RedisEndpoint(host, server.getLocalPort(), null, null, true).withTls(ca(certs.caCert));
            RedisConnection.open(e, "source", 5000).close();
            return seen.get(10, TimeUnit.SECONDS);
        }
    }
}
