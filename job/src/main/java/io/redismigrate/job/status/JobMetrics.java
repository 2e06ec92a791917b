package io.redismigrate.job.status;

import io.redismigrate.job.JobName;
import io.redismigrate.job.Main;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a job over Flink's REST API: which job, its state, and the split metrics of its vertices. */
final class JobMetrics {
    /** Jobs that run or are about to (a job just submitted is CREATED or INITIALIZING for a moment). */
    private static final List<String> ACTIVE = List.of("CREATED", "INITIALIZING", "RUNNING", "RESTARTING", "RECONCILING");

    /** Keeps each {@code ?get=…} request line well under the 4096 bytes Flink's REST server accepts. */
    private static final int MAX_QUERY_CHARS = 2500;

    /** A job's state and its split metrics (id → value) at one moment. */
    record Snapshot(String id, String name, String state, Map<String, String> metrics) {
        boolean running() { return "RUNNING".equals(state); }

        /** A state the job does not leave (Flink's globally terminal states, and SUSPENDED). */
        boolean ended() {
            return List.of("FINISHED", "FAILED", "CANCELED", "SUSPENDED").contains(state);
        }
    }

    private final FlinkRest rest;

    JobMetrics(FlinkRest rest) {
        this.rest = rest;
    }

    /**
     * {@code jobId} when given (it must exist), else the only job whose name starts with redis-migrate that is
     * RUNNING (or about to: created, initializing, restarting).
     */
    String findJob(String jobId) throws StatusFailure, InterruptedException {
        if (jobId != null) {
            if (rest.get("/jobs/" + jobId) == null) {
                throw new StatusFailure(Main.EXIT_FAILURE, "no job " + jobId + " at " + rest.baseUrl()
                        + "; run status without --job to find the running redis-migrate job");
            }
            return jobId;
        }
        JsonNode overview = rest.get("/jobs/overview");
        List<String> found = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        if (overview != null) {
            for (JsonNode j : overview.path("jobs")) {
                String name = j.path("name").asText("");
                if (ACTIVE.contains(j.path("state").asText()) && name.startsWith(JobName.PREFIX)) {
                    ids.add(j.path("jid").asText());
                    found.add(j.path("jid").asText() + " (" + name + ")");
                }
            }
        }
        if (ids.isEmpty()) {
            throw new StatusFailure(Main.EXIT_FAILURE, "no running redis-migrate job at " + rest.baseUrl()
                    + "; start one with redis-migrate run, or give its JobManager with --rest URL");
        }
        if (ids.size() > 1) {
            throw new StatusFailure(Main.EXIT_USAGE, "several running redis-migrate jobs at " + rest.baseUrl() + ": "
                    + String.join(", ", found) + "; use --job ID");
        }
        return ids.get(0);
    }

    Snapshot read(String jobId) throws StatusFailure, InterruptedException {
        JsonNode job = rest.get("/jobs/" + jobId);
        if (job == null) throw new StatusFailure(Main.EXIT_FAILURE, "job " + jobId + " is gone from " + rest.baseUrl());
        Map<String, String> metrics = new LinkedHashMap<>();
        if ("RUNNING".equals(job.path("state").asText())) {
            for (JsonNode v : job.path("vertices")) metrics.putAll(splitMetrics(jobId, v.path("id").asText()));
        }
        return new Snapshot(jobId, job.path("name").asText(""), job.path("state").asText("UNKNOWN"), metrics);
    }

    /** A vertex's split metrics, each the highest over its subtasks (a split lives in one subtask). */
    private Map<String, String> splitMetrics(String jobId, String vertexId) throws StatusFailure, InterruptedException {
        String base = "/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics";
        JsonNode list = rest.get(base);
        List<String> ids = new ArrayList<>();
        if (list != null) {
            for (JsonNode m : list) {
                String id = m.path("id").asText();
                if (StatusTable.isSplitMetric(id)) ids.add(id);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        int from = 0;
        while (from < ids.size()) {
            StringBuilder get = new StringBuilder();
            int to = from;
            while (to < ids.size() && (get.length() == 0 || get.length() + ids.get(to).length() < MAX_QUERY_CHARS)) {
                if (get.length() > 0) get.append(',');
                get.append(URLEncoder.encode(ids.get(to++), StandardCharsets.UTF_8));
            }
            JsonNode values = rest.get(base + "?agg=max&get=" + get);
            if (values != null) {
                for (JsonNode m : values) {
                    JsonNode v = m.has("max") ? m.get("max") : m.get("value");
                    if (v != null && !v.isNull()) out.put(m.path("id").asText(), v.asText());
                }
            }
            from = to;
        }
        return out;
    }
}
