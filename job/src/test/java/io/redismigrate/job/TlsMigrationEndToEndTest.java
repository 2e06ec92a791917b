package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestCerts;
import io.redismigrate.connector.testutils.TestData;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Migrations;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A live migration over TLS on both sides: the source's certificate is checked against the CA by IP address, the
 * target requires a client certificate (tls-auth-clients yes). Snapshot, stream, a stop with savepoint and a
 * resume (splits restored from state still connect with the run's TLS settings), then verify over TLS.
 */
class TlsMigrationEndToEndTest {
    private static List<String> tlsArgs(TestCerts certs) {
        return List.of("--tls-ca-cert", certs.caCert.toString(), "--target-tls-cert", certs.client.cert().toString(),
                "--target-tls-key", certs.client.key().toString());
    }

    private static String[] with(String[] args, List<String> extra) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(extra);
        return a.toArray(new String[0]);
    }

    @Test
    void liveMigrationOverTlsWithAClientCertificateOnTheTarget() throws Exception {
        TestCerts certs = TestCerts.create();
        try (RedisServer source = RedisServer.startTls(certs, certs.server, "no");
             RedisServer target = RedisServer.startTls(certs, certs.server, "yes")) {
            TestData.populateAllTypes(source);
            String[] run = with(Migrations.runArgs(source, target), tlsArgs(certs));
            String savepoint;
            try (JobProcess job = JobProcess.start(run)) {
                job.awaitRunning(Duration.ofSeconds(90));
                for (int i = 0; i < 100; i++) source.sync().rpush("stream:list", "v" + i);
                source.sync().incrby("stream:counter", 7);
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                savepoint = job.stopWithSavepoint(Duration.ofSeconds(60));
            }
            source.sync().incrby("stream:counter", 5);
            source.sync().set("after:resume", "yes");
            try (JobProcess job = JobProcess.start(with(run, List.of("--from-savepoint", savepoint)))) {
                job.awaitRunning(Duration.ofSeconds(90));
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                assertTrue(job.log().contains("continuing the replication stream"), job.output());
                job.stopWithSavepoint(Duration.ofSeconds(60));
            }
            Migrations.assertEqual(source, target);
            assertEquals("12", target.sync().get("stream:counter"));

            FullMigrationEndToEndTest.Run verify = FullMigrationEndToEndTest.run(with(new String[] {"verify",
                    "--source", source.uri(), "--target", target.uri(), "--source-tls-skip-verify"}, tlsArgs(certs)));
            assertEquals(0, verify.exit(), verify.out() + verify.err());
            assertTrue(verify.err().startsWith("redis-migrate: WARN: --source-tls-skip-verify: the source's TLS certificate"),
                    verify.err());
        }
    }

    @Test
    void missingClientCertificateFailsAtStartWithOneLine() throws Exception {
        TestCerts certs = TestCerts.create();
        try (RedisServer source = RedisServer.startTls(certs, certs.server, "no");
             RedisServer target = RedisServer.startTls(certs, certs.server, "yes")) {
            FullMigrationEndToEndTest.Run r = FullMigrationEndToEndTest.run("precheck", "--source", source.uri(),
                    "--target", target.uri(), "--tls-ca-cert", certs.caCert.toString());
            assertEquals(3, r.exit(), r.out() + r.err());
            assertTrue(r.err().contains("target 127.0.0.1:" + target.port() + ": the server requires a client certificate"
                    + " (tls-auth-clients); pass --target-tls-cert FILE and --target-tls-key FILE"), r.out() + r.err());
        }
    }
}
