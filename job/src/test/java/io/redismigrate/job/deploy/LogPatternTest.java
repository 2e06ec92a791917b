package io.redismigrate.job.deploy;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console patterns (flink-conf/log4j-console.properties, the Kubernetes example's logConfiguration) print the
 * job id Flink puts into the MDC of a job's threads ({@code flink-job-id}, MdcUtils.JOB_ID), and nothing extra on
 * lines of threads without it: formatted with log4j's own PatternLayout.
 */
class LogPatternTest {
    private static final String JOB_ID = "e14babfd0576bc51fafc9e3f277e86f9";

    @Test
    void embeddedConsolePatternShowsTheJobIdOfTheMdc() throws Exception {
        List<String> patterns = patterns(ProjectFiles.read("flink-conf/log4j-console.properties"));
        assertEquals(1, patterns.size(), "the console appender: " + patterns);
        patterns.forEach(LogPatternTest::check);
    }

    @Test
    @SuppressWarnings("unchecked")
    void kubernetesPatternShowsTheJobIdOfTheMdc() throws Exception {
        for (Object d : new Load(LoadSettings.builder().build()).loadAllFromString(
                ProjectFiles.read("deploy/kubernetes/flinkdeployment.yaml"))) {
            Map<String, Object> doc = (Map<String, Object>) d;
            if (doc == null || !"FlinkDeployment".equals(doc.get("kind"))) continue;
            Map<String, Object> logging = (Map<String, Object>) ((Map<String, Object>) doc.get("spec")).get("logConfiguration");
            List<String> patterns = patterns((String) logging.get("log4j-console.properties"));
            assertEquals(2, patterns.size(), "console and the web UI's log file: " + patterns);
            patterns.forEach(LogPatternTest::check);
            return;
        }
        throw new AssertionError("no FlinkDeployment");
    }

    @Test
    void flinksMdcKeyIsFlinkJobId() {
        assertEquals("flink-job-id", org.apache.flink.util.MdcUtils.JOB_ID);
    }

    /** Every appender's layout pattern. */
    private static List<String> patterns(String properties) {
        List<String> patterns = new ArrayList<>();
        for (String line : properties.split("\n")) {
            String l = line.trim();
            if (l.startsWith("appender.") && l.contains(".layout.pattern")) patterns.add(l.substring(l.indexOf('=') + 1).trim());
        }
        return patterns;
    }

    private static void check(String pattern) {
        PatternLayout layout = PatternLayout.newBuilder().withPattern(pattern).build();
        SortedArrayStringMap mdc = new SortedArrayStringMap();
        mdc.putValue("flink-job-id", JOB_ID);
        String withJob = layout.toSerializable(event(mdc));
        assertTrue(withJob.contains("[job " + JOB_ID + "] "), withJob);
        assertTrue(withJob.contains("source split assigned"), withJob);
        String without = layout.toSerializable(event(new SortedArrayStringMap()));
        assertFalse(without.contains("[job"), without);
        // a thread without the MDC gets the line of the pattern without the job part: nothing added
        String plain = PatternLayout.newBuilder().withPattern(pattern.replace("%notEmpty{[job %X{flink-job-id}] }", "")).build()
                .toSerializable(event(new SortedArrayStringMap()));
        assertEquals(plain.substring(plain.indexOf("INFO")), without.substring(without.indexOf("INFO")), "after the time stamp");
    }

    private static LogEvent event(SortedArrayStringMap mdc) {
        return Log4jLogEvent.newBuilder().setLoggerName("io.redismigrate.connector.source.RedisSourceReader")
                .setLevel(Level.INFO).setMessage(new SimpleMessage("source split assigned")).setContextData(mdc)
                .setTimeMillis(0).build();
    }
}
