package io.redismigrate.job;

import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --metrics-port}: parsed from flags and config files, documented, and turned into Flink's reporter keys. */
class MetricsPortOptionTest {
    private static final String SRC = "redis://127.0.0.1:7001";
    private static final String TGT = "redis://127.0.0.1:7002";

    @TempDir
    Path dir;

    @Test
    void offByDefaultAndTakenFromTheFlagOrTheConfigFile() throws Exception {
        assertEquals(0, MigrationOptions.parse("run", "--source", SRC, "--target", TGT).metricsPort());
        assertEquals(9300, MigrationOptions.parse("run", "--source", SRC, "--target", TGT, "--metrics-port", "9300").metricsPort());
        assertEquals(9301, MigrationOptions.parse("run", "--source", SRC, "--target", TGT, "--metrics-port=9301").metricsPort());
        Path yaml = dir.resolve("m.yaml");
        Files.writeString(yaml, "source: " + SRC + "\ntarget: " + TGT + "\nmetrics-port: 9302\n");
        assertEquals(9302, MigrationOptions.parse("run", "--config", yaml.toString()).metricsPort());
        assertEquals(9303, MigrationOptions.parse("run", "--config", yaml.toString(), "--metrics-port", "9303").metricsPort(),
                "the flag wins");
        Path props = dir.resolve("m.properties");
        Files.writeString(props, "source=" + SRC + "\ntarget=" + TGT + "\nmetrics-port=9304\n");
        assertEquals(9304, MigrationOptions.parse("run", "--config", props.toString()).metricsPort());
    }

    @Test
    void aBadPortIsAUsageError() {
        String m = assertThrows(UsageException.class,
                () -> MigrationOptions.parse("run", "--source", SRC, "--target", TGT, "--metrics-port", "70000")).getMessage();
        assertEquals("--metrics-port must be between 0 and 65535 (got '70000')", m);
        assertThrows(UsageException.class, () -> MigrationOptions.parse("run", "--source", SRC, "--target", TGT, "--metrics-port", "x"));
    }

    @Test
    void documentedInHelp() {
        assertTrue(MigrationOptions.usage().contains("--metrics-port PORT"), MigrationOptions.usage());
    }

    @Test
    void thePortTurnsOnFlinksPrometheusReporter() {
        Configuration conf = new Configuration();
        MigrationJob.prometheus(conf, 0);
        assertFalse(conf.containsKey("metrics.reporter.prom.factory.class"), "0 = off: " + conf);

        MigrationJob.prometheus(conf, 9400);
        assertEquals("org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                conf.get(ConfigOptions.key("metrics.reporter.prom.factory.class").stringType().noDefaultValue()));
        assertEquals("9400", conf.get(ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue()));

        // a prom reporter of the Flink configuration (flink-conf/config.yaml: a range) gets the option's port
        Configuration fromFile = new Configuration();
        fromFile.set(ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue(), "9249-9259");
        MigrationJob.prometheus(fromFile, 9401);
        assertEquals("9401", fromFile.get(ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue()));
    }
}
