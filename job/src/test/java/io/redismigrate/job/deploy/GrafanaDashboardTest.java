package io.redismigrate.job.deploy;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/grafana/redis-migrate.json cannot drift from docs/metrics.md: every metric an expression of the
 * dashboard names (panels and variables) is one the reference documents, under its Prometheus name; the
 * panels the operator needs are there; every query goes to the dashboard's Prometheus datasource variable.
 */
class GrafanaDashboardTest {
    static final String OPERATOR = "flink_taskmanager_job_task_operator_";
    private static final Pattern METRIC = Pattern.compile("\\b(flink_[A-Za-z0-9_]+)\\b");
    private static final Pattern BACKTICKED = Pattern.compile("`([A-Za-z0-9_]+)`");

    /**
     * Prometheus names of the metrics docs/metrics.md lists: the tables under "## Per …" headings, split scopes
     * ({@code group split}) as {@code …_operator_split_<name>}, the others as {@code …_operator_<name>}.
     */
    static Set<String> documentedPrometheusNames(String metricsMd) {
        Set<String> names = new TreeSet<>();
        String prefix = null;
        for (String line : metricsMd.split("\n")) {
            if (line.startsWith("## ")) {
                prefix = !line.startsWith("## Per ") ? null : line.contains("split") ? OPERATOR + "split_" : OPERATOR;
                continue;
            }
            if (prefix == null || !line.startsWith("| `")) continue;
            String firstCell = line.substring(1, line.indexOf('|', 1));
            Matcher m = BACKTICKED.matcher(firstCell);
            while (m.find()) names.add(prefix + m.group(1));
        }
        return names;
    }

    @Test
    void theDocumentedNamesAreReadFromDocsMetricsMd() throws Exception {
        Set<String> documented = documentedPrometheusNames(ProjectFiles.read("docs/metrics.md"));
        // both kinds of scope, and nothing the reference does not have (the parser itself must be able to fail)
        assertTrue(documented.contains(OPERATOR + "split_phase"), documented.toString());
        assertTrue(documented.contains(OPERATOR + "split_snapshotKeys"), documented.toString());
        assertTrue(documented.contains(OPERATOR + "numRecordsSend"), documented.toString());
        assertTrue(documented.contains(OPERATOR + "numRecordsSendPerSecond"), documented.toString());
        assertFalse(documented.contains(OPERATOR + "phase"), "phase is per split only");
        assertFalse(documented.contains(OPERATOR + "split_numRecordsSend"), "numRecordsSend is per writer");
    }

    @Test
    void everyMetricTheDashboardQueriesIsDocumented() throws Exception {
        Set<String> documented = documentedPrometheusNames(ProjectFiles.read("docs/metrics.md"));
        JsonNode dashboard = new ObjectMapper().readTree(ProjectFiles.read("deploy/grafana/redis-migrate.json"));
        List<String> expressions = expressions(dashboard);
        assertFalse(expressions.isEmpty(), "no expressions found");
        Set<String> used = new LinkedHashSet<>();
        for (String e : expressions) {
            Matcher m = METRIC.matcher(e);
            boolean any = false;
            while (m.find()) {
                used.add(m.group(1));
                any = true;
            }
            assertTrue(any, "expression without a redis-migrate metric: " + e);
        }
        Set<String> undocumented = new TreeSet<>(used);
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "metrics the dashboard uses that docs/metrics.md does not document");
        // the panels of the brief: phase, snapshot percent and ETA, lag ms and bytes, offsets, writes/s, bytes/s, errors, retries
        for (String needed : List.of("split_phase", "split_snapshotPercent", "split_snapshotEtaSeconds", "split_lagMs",
                "split_lagBytes", "split_appliedOffset", "split_sourceOffset", "numRecordsSend", "numBytesSend",
                "numRecordsSendErrors", "retries")) {
            assertTrue(used.contains(OPERATOR + needed), "no panel shows " + needed + "; used: " + used);
        }
        assertTrue(expressions.stream().anyMatch(e -> e.contains("rate(" + OPERATOR + "numRecordsSend")),
                "writes/s as the rate of numRecordsSend");
    }

    @Test
    void everyQueryGoesToThePrometheusDatasourceVariable() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(ProjectFiles.read("deploy/grafana/redis-migrate.json"));
        String variable = null;
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if ("datasource".equals(v.path("type").asText()) && "prometheus".equals(v.path("query").asText())) {
                variable = v.path("name").asText();
            }
        }
        assertTrue(variable != null && !variable.isEmpty(), "a datasource variable of type prometheus");
        String uid = "${" + variable + "}";
        int checked = 0;
        for (JsonNode panel : panels(dashboard)) {
            if ("row".equals(panel.path("type").asText())) continue;
            assertEquals(uid, panel.path("datasource").path("uid").asText(), "panel " + panel.path("title"));
            assertTrue(panel.path("targets").size() > 0, "panel without a query: " + panel.path("title"));
            for (JsonNode t : panel.path("targets")) {
                assertEquals(uid, t.path("datasource").path("uid").asText(), "target of " + panel.path("title"));
                checked++;
            }
        }
        assertTrue(checked > 0);
    }

    /** Panels, including those nested in collapsed rows. */
    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            for (JsonNode nested : p.path("panels")) out.add(nested);
        }
        return out;
    }

    /** Every PromQL expression: panel targets and query variables. */
    private static List<String> expressions(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : panels(dashboard)) {
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr")) out.add(t.get("expr").asText());
            }
        }
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (!"query".equals(v.path("type").asText())) continue;
            JsonNode q = v.path("query");
            out.add(q.isObject() ? q.path("query").asText() : q.asText());
        }
        return out;
    }
}
