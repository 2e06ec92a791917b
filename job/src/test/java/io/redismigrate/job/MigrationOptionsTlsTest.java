package io.redismigrate.job;

import io.redismigrate.connector.resp.TlsSettings;
import io.redismigrate.connector.testutils.TestCerts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TLS options of {@link MigrationOptions}: per side, shared, config file keys and their validation. */
class MigrationOptionsTlsTest {
    private static final String SRC = "rediss://127.0.0.1:7001";
    private static final String TGT = "rediss://127.0.0.1:7002";
    private static TestCerts certs;
    private static String ca;
    private static String otherCa;
    private static String cert;
    private static String key;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.create();
        ca = certs.caCert.toString();
        otherCa = certs.otherCaCert.toString();
        cert = certs.client.cert().toString();
        key = certs.client.key().toString();
    }

    private static String error(String... args) {
        return assertThrows(UsageException.class, () -> MigrationOptions.parse(args)).getMessage();
    }

    @Test
    void withoutTlsOptionsEndpointsCarryNoSettings() throws Exception {
        MigrationOptions o = MigrationOptions.parse("run", "--source", SRC, "--target", "redis://127.0.0.1:7002");
        assertEquals(new TlsSettings(null, null, null, false), o.source().tlsSettings());
        assertNull(o.target().tlsSettings());
        assertEquals(List.of(), o.warnings());
    }

    @Test
    void sideOptionsWinOverSharedOnes() throws Exception {
        MigrationOptions o = MigrationOptions.parse("run", "--source", SRC, "--target", TGT, "--tls-ca-cert", ca,
                "--tls-cert", cert, "--tls-key", key, "--target-tls-ca-cert", otherCa,
                "--target-tls-cert", certs.ecClient.cert().toString(), "--target-tls-key", certs.ecClient.key().toString());
        assertEquals(new TlsSettings(ca, cert, key, false), o.source().tlsSettings());
        assertEquals(new TlsSettings(otherCa, certs.ecClient.cert().toString(), certs.ecClient.key().toString(), false),
                o.target().tlsSettings());
        assertEquals(List.of(), o.warnings());
    }

    @Test
    void skipVerifyWarnsOncePerSide() throws Exception {
        MigrationOptions o = MigrationOptions.parse("run", "--source", SRC, "--target", TGT, "--source-tls-skip-verify");
        assertTrue(o.source().tlsSettings().skipVerify());
        assertTrue(!o.target().tlsSettings().skipVerify());
        assertEquals(1, o.warnings().size(), o.warnings().toString());
        assertTrue(o.warnings().get(0).startsWith("WARN: --source-tls-skip-verify: the source's TLS certificate"), o.warnings().get(0));
        assertTrue(o.warnings().get(0).contains("open to impersonation"));

        MigrationOptions both = MigrationOptions.parse("run", "--source", SRC, "--target", TGT, "--tls-skip-verify");
        assertTrue(both.source().tlsSettings().skipVerify() && both.target().tlsSettings().skipVerify());
        assertEquals(2, both.warnings().size());
    }

    @Test
    void configFileKeys() throws Exception {
        Path file = dir.resolve("tls.yaml");
        Files.writeString(file, "source: " + SRC + "\ntarget: " + TGT + "\nsource-tls-ca-cert: " + ca
                + "\ntarget-tls-cert: " + cert + "\ntarget-tls-key: " + key + "\ntarget-tls-skip-verify: true\n"
                + "source-tls-skip-verify: false\n");
        MigrationOptions o = MigrationOptions.parse("run", "--config", file.toString());
        assertEquals(new TlsSettings(ca, null, null, false), o.source().tlsSettings());
        assertEquals(new TlsSettings(null, cert, key, true), o.target().tlsSettings());

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "source: " + SRC + "\ntarget: " + TGT + "\ntls-skip-verify: sometimes\n");
        assertEquals("'tls-skip-verify' in " + bad + " must be true or false (got 'sometimes')",
                error("run", "--config", bad.toString()));
    }

    @Test
    void certificateAndKeyGoTogether() {
        assertEquals("--source-tls-cert needs --source-tls-key too (a client certificate and its key go together)",
                error("run", "--source", SRC, "--target", TGT, "--source-tls-cert", cert));
        assertEquals("--tls-key needs --tls-cert too (a client certificate and its key go together)",
                error("run", "--source", SRC, "--target", TGT, "--tls-key", key));
        // the side's own pair replaces the shared pair as a whole
        assertEquals("--target-tls-key needs --target-tls-cert too (a client certificate and its key go together)",
                error("run", "--source", SRC, "--target", TGT, "--tls-cert", cert, "--tls-key", key, "--target-tls-key", key));
    }

    @Test
    void filesMustExistAndBeWhatTheOptionSays() throws Exception {
        String missing = dir.resolve("nope.pem").toString();
        assertEquals("--source-tls-ca-cert: file " + missing + " does not exist",
                error("run", "--source", SRC, "--target", TGT, "--source-tls-ca-cert", missing));
        assertEquals("--tls-ca-cert: file " + missing + " does not exist",
                error("run", "--source", SRC, "--target", TGT, "--tls-ca-cert", missing));
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--target-tls-cert", key, "--target-tls-key", key)
                .startsWith("--target-tls-cert: " + key + ": no certificate"));
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--target-tls-cert", cert, "--target-tls-key", cert)
                .startsWith("--target-tls-key: " + cert + ": no private key"));
        Path encrypted = dir.resolve("enc.key");
        Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
        String m = error("run", "--source", SRC, "--target", TGT, "--tls-cert", cert, "--tls-key", encrypted.toString());
        assertTrue(m.contains("encrypted") && m.contains("openssl pkcs8 -topk8 -nocrypt"), m);
    }

    @Test
    void tlsOptionsNeedARedissUri() {
        assertEquals("--source-tls-ca-cert needs TLS on the source: use a rediss:// --source URI",
                error("run", "--source", "redis://127.0.0.1:7001", "--target", TGT, "--source-tls-ca-cert", ca));
        assertEquals("--target-tls-skip-verify needs TLS on the target: use a rediss:// --target URI",
                error("run", "--source", SRC, "--target", "redis://127.0.0.1:7002", "--target-tls-skip-verify"));
        assertEquals("--tls-ca-cert needs TLS: use rediss:// in --source or --target",
                error("run", "--source", "redis://127.0.0.1:7001", "--target", "redis://127.0.0.1:7002", "--tls-ca-cert", ca));
        assertEquals("--tls-skip-verify takes no value",
                error("run", "--source", SRC, "--target", TGT, "--tls-skip-verify=yes"));
    }

    @Test
    void sharedOptionsApplyOnlyToTheTlsSide() throws Exception {
        MigrationOptions o = MigrationOptions.parse("run", "--source", SRC, "--target", "redis://127.0.0.1:7002",
                "--tls-ca-cert", ca);
        assertEquals(new TlsSettings(ca, null, null, false), o.source().tlsSettings());
        assertNull(o.target().tlsSettings());
    }
}
