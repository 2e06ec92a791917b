package io.redismigrate.job.testutils;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A job's metrics as Flink's REST API shows them (for tests): every subtask metric of every vertex, by id. */
public final class RestMetrics {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String jobId;

    public RestMetrics(int restPort, String jobId) {
        this.base = "http://127.0.0.1:" + restPort;
        this.jobId = jobId;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException(path + ": HTTP " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    /** metric id → value, of subtask {@code subtask} of every vertex (ids are unique across vertices here). */
    public Map<String, String> all(int subtask) throws IOException, InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode v : get("/jobs/" + jobId).get("vertices")) {
            if (v.get("parallelism").asInt() <= subtask) continue;
            String path = "/jobs/" + jobId + "/vertices/" + v.get("id").asText() + "/subtasks/" + subtask + "/metrics";
            List<String> ids = new ArrayList<>();
            for (JsonNode m : get(path)) ids.add(m.get("id").asText());
            for (int i = 0; i < ids.size(); i += 40) {
                String q = String.join(",", ids.subList(i, Math.min(ids.size(), i + 40)));
                for (JsonNode m : get(path + "?get=" + URLEncoder.encode(q, StandardCharsets.UTF_8))) {
                    out.put(m.get("id").asText(), m.get("value").asText());
                }
            }
        }
        return out;
    }

    /** The value of the one metric whose id ends with {@code suffix}, or null. */
    public static String find(Map<String, String> metrics, String suffix) {
        String found = null;
        for (Map.Entry<String, String> e : metrics.entrySet()) {
            if (e.getKey().endsWith(suffix)) {
                if (found != null) throw new AssertionError("several metrics end with " + suffix + ": " + metrics.keySet());
                found = e.getValue();
            }
        }
        return found;
    }
}
