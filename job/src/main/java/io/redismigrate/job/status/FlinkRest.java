package io.redismigrate.job.status;

import io.redismigrate.job.Main;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** GET requests to Flink's REST API (the web UI's port), answers parsed as JSON. */
final class FlinkRest {
    static final int NOT_FOUND = 404;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FlinkRest(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    String baseUrl() { return baseUrl; }

    /** The JSON of {@code path} (starting with /); null for 404. Unreachable: exit 3, naming the URL and the fix. */
    JsonNode get(String path) throws StatusFailure, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw unreachable("no answer within 10 s");
        } catch (IOException e) {
            throw unreachable(e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage());
        }
        if (response.statusCode() == NOT_FOUND) return null;
        if (response.statusCode() != 200) {
            throw new StatusFailure(Main.EXIT_FAILURE, "Flink's REST API at " + baseUrl + " answered " + response.statusCode()
                    + " to GET " + path + ": " + Main.oneLine(response.body()));
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new StatusFailure(Main.EXIT_FAILURE, baseUrl + " does not answer as Flink's REST API (GET " + path
                    + " is not JSON); give the JobManager's web UI address with --rest URL");
        }
    }

    private StatusFailure unreachable(String why) {
        return new StatusFailure(Main.EXIT_PRECHECK, "cannot reach Flink's REST API at " + baseUrl + " (" + Main.oneLine(why)
                + "); start the job with its web UI (--web-ui-port, default 8081) or give the JobManager's web UI with --rest URL");
    }
}
