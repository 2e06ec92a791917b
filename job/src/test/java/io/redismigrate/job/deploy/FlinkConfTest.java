package io.redismigrate.job.deploy;

import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * flink-conf/config.yaml, loaded by Flink's own parser, turns on the Prometheus reporter with a port range (one
 * port per Flink process of a session cluster); its factory is found on the embedded class path the way Flink's
 * ReporterSetup finds it (ServiceLoader), so a run with this configuration or --metrics-port gets a reporter.
 */
class FlinkConfTest {
    @Test
    void prometheusReporterWithAPortRange() {
        Configuration c = GlobalConfiguration.loadConfiguration(ProjectFiles.find("flink-conf/config.yaml").getParent().toString());
        String factory = c.get(ConfigOptions.key("metrics.reporter.prom.factory.class").stringType().noDefaultValue());
        assertEquals("org.apache.flink.metrics.prometheus.PrometheusReporterFactory", factory);
        String port = c.get(ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue());
        assertTrue(port != null && port.matches("\\d+-\\d+"), "a range for JobManager and TaskManagers: " + port);
        assertEquals("9249-9259", port);
    }

    @Test
    void theReporterFactoryIsOnTheEmbeddedClassPath() {
        boolean found = ServiceLoader.load(MetricReporterFactory.class).stream()
                .anyMatch(p -> p.type().getName().equals("org.apache.flink.metrics.prometheus.PrometheusReporterFactory"));
        assertTrue(found, "flink-metrics-prometheus is not on the class path");
    }
}
