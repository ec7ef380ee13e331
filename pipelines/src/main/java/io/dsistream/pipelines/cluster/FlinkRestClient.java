package io.dsistream.pipelines.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The parts of Flink's REST API that submitting and operating a job needs, exactly as against any remote Flink 2.2
 * cluster: {@code POST /jars/upload}, {@code POST /jars/:id/run}, {@code GET /jobs/overview},
 * {@code POST /jobs/:id/stop} (stop with a savepoint) and its status, {@code PATCH /jobs/:id} (cancel),
 * {@code GET /jobs/:id/checkpoints}, {@code GET /overview}. Errors carry the cluster's own message.
 */
public final class FlinkRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;

    /** @param restUrl e.g. {@code http://localhost:8081} */
    public FlinkRestClient(String restUrl) {
        this.base = URI.create(restUrl.endsWith("/") ? restUrl : restUrl + "/");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A job as {@code /jobs/overview} lists it. */
    public record JobSummary(String id, String name, String state, long startTime, long duration) {
    }

    /** {@code /overview}: TaskManagers and their slots, and jobs by state. */
    public record ClusterOverview(int taskManagers, int slotsTotal, int slotsAvailable, int jobsRunning,
                                  String flinkVersion) {
    }

    /** Uploads a job jar; returns the jar id the run call takes. */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "dsi-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode reply = send(HttpRequest.newBuilder(base.resolve("jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())), "upload " + jar);
        String filename = reply.path("filename").asText("");
        if (!"success".equals(reply.path("status").asText()) || filename.isEmpty()) {
            throw new IOException("upload of " + jar + " to " + base + " failed: " + reply);
        }
        return Path.of(filename).getFileName().toString();
    }

    /**
     * Runs an uploaded jar's entry class; the cluster executes its {@code main} and returns the job id.
     *
     * @param savepointPath restore from this savepoint or retained checkpoint; null: a fresh start
     * @param parallelism   the job's default parallelism; 0: the cluster's {@code parallelism.default}
     */
    public String runJar(String jarId, String entryClass, List<String> programArgs, int parallelism,
                         String savepointPath) throws IOException {
        if (parallelism <= 0) {
            parallelism = defaultParallelism();
        }
        ObjectNode request = JSON.createObjectNode();
        request.put("entryClass", entryClass);
        request.putArray("programArgsList").addAll(programArgs.stream().map(JSON.getNodeFactory()::textNode).toList());
        request.put("parallelism", parallelism);
        if (savepointPath != null) {
            request.put("savepointPath", savepointPath);
            request.put("allowNonRestoredState", false);
        }
        JsonNode reply = send(post("jars/" + jarId + "/run", request).timeout(Duration.ofMinutes(3)),
                "run jar " + jarId);
        String jobId = reply.path("jobid").asText("");
        if (jobId.isEmpty()) {
            throw new IOException("run of jar " + jarId + " returned no job id: " + reply);
        }
        return jobId;
    }

    /** Every job the cluster knows, newest first. */
    public List<JobSummary> jobs() throws IOException {
        JsonNode reply = send(HttpRequest.newBuilder(base.resolve("jobs/overview")).GET(), "list jobs");
        List<JobSummary> jobs = new ArrayList<>();
        for (JsonNode job : reply.path("jobs")) {
            jobs.add(new JobSummary(job.path("jid").asText(), job.path("name").asText(), job.path("state").asText(),
                    job.path("start-time").asLong(), job.path("duration").asLong()));
        }
        jobs.sort((a, b) -> Long.compare(b.startTime(), a.startTime()));
        return jobs;
    }

    /** The state of one job ({@code RUNNING}, {@code FINISHED}, {@code CANCELED}, ...). */
    public String jobState(String jobId) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId)).GET(), "job " + jobId)
                .path("state").asText();
    }

    /** True when every vertex of the job has all its subtasks running (the job really processes records). */
    public boolean allTasksRunning(String jobId) throws IOException {
        JsonNode job = send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId)).GET(), "job " + jobId);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (!"RUNNING".equals(vertex.path("status").asText())) {
                return false;
            }
        }
        return job.path("vertices").size() > 0;
    }

    public ClusterOverview overview() throws IOException {
        JsonNode o = send(HttpRequest.newBuilder(base.resolve("overview")).GET(), "overview");
        return new ClusterOverview(o.path("taskmanagers").asInt(), o.path("slots-total").asInt(),
                o.path("slots-available").asInt(), o.path("jobs-running").asInt(), o.path("flink-version").asText());
    }

    /**
     * The cluster's {@code parallelism.default} ({@code GET /jobmanager/config}), 1 when unset. A run request without a
     * parallelism gets 1, not this: Flink's REST handler fills in the option's default.
     */
    public int defaultParallelism() throws IOException {
        for (JsonNode option : send(HttpRequest.newBuilder(base.resolve("jobmanager/config")).GET(),
                "cluster configuration")) {
            if ("parallelism.default".equals(option.path("key").asText())) {
                return Integer.parseInt(option.path("value").asText("1").trim());
            }
        }
        return 1;
    }

    /**
     * Stops a job with a savepoint ({@code POST /jobs/:id/stop}) and waits for it.
     *
     * @param targetDirectory null: the cluster's {@code execution.checkpointing.savepoint-dir}
     * @return the savepoint's location
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout) throws IOException {
        ObjectNode request = JSON.createObjectNode();
        request.put("drain", false);
        if (targetDirectory != null) {
            request.put("targetDirectory", targetDirectory);
        }
        String trigger = send(post("jobs/" + jobId + "/stop", request), "stop job " + jobId)
                .path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "/savepoints/" + trigger))
                    .GET(), "savepoint status of job " + jobId);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new IOException("stop-with-savepoint of job " + jobId + " failed: "
                            + operation.path("failure-cause").path("stack-trace").asText(operation.toString())
                            .lines().findFirst().orElse(""));
                }
                return operation.path("location").asText();
            }
            sleep(250);
        }
        throw new IOException("stop-with-savepoint of job " + jobId + " did not complete within "
                + timeout.toSeconds() + " s");
    }

    /** Cancels a job ({@code PATCH /jobs/:id?mode=cancel}); returns at once. */
    public void cancel(String jobId) throws IOException {
        send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()), "cancel job " + jobId);
    }

    /** The external path of the job's latest completed checkpoint; null when it has none. */
    public String latestCheckpoint(String jobId) throws IOException {
        JsonNode completed = send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "/checkpoints")).GET(),
                "checkpoints of job " + jobId).path("latest").path("completed");
        return completed.isMissingNode() || completed.isNull() ? null : completed.path("external_path").asText(null);
    }

    /** How many checkpoints of the job have completed ({@code counts.completed}). */
    public long completedCheckpoints(String jobId) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "/checkpoints")).GET(),
                "checkpoints of job " + jobId).path("counts").path("completed").asLong();
    }

    /**
     * The value of an operator metric of subtask 0 in a vertex whose name contains {@code vertexName} (e.g.
     * {@code "trainer"}, {@code "roundRunning"}), or null while no such vertex reports it.
     */
    public String operatorMetric(String jobId, String vertexName, String metric) throws IOException {
        for (JsonNode v : send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId)).GET(), "job " + jobId)
                .path("vertices")) {
            if (!v.path("name").asText().contains(vertexName)) {
                continue;
            }
            String path = "jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/metrics";
            for (JsonNode m : send(HttpRequest.newBuilder(base.resolve(path)).GET(), "metrics of " + vertexName)) {
                String id = m.path("id").asText();
                if (id.startsWith("0.") && id.endsWith("." + metric)) {
                    for (JsonNode value : send(HttpRequest.newBuilder(base.resolve(path + "?get=" + id)).GET(),
                            "metric " + id)) {
                        return value.path("value").asText(null);
                    }
                }
            }
        }
        return null;
    }

    /** Waits until the job reaches {@code state}; fails fast when it reaches another terminal state. */
    public void awaitState(String jobId, String state, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = jobState(jobId);
            if (last.equals(state)) {
                return;
            }
            if (List.of("FAILED", "CANCELED", "FINISHED").contains(last)) {
                throw new IOException("job " + jobId + " is " + last + ", expected " + state);
            }
            sleep(200);
        }
        throw new IOException("job " + jobId + " did not reach " + state + " within " + timeout.toSeconds()
                + " s (last state " + last + ")");
    }

    /** Waits until every task of the job runs. */
    public void awaitAllTasksRunning(String jobId, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (allTasksRunning(jobId)) {
                return;
            }
            String state = jobState(jobId);
            if (List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
                throw new IOException("job " + jobId + " is " + state + " before all its tasks ran");
            }
            sleep(200);
        }
        throw new IOException("the tasks of job " + jobId + " were not all running within " + timeout.toSeconds()
                + " s");
    }

    /** True when the REST endpoint answers. */
    public boolean isUp() {
        try {
            overview();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String url() {
        return base.toString();
    }

    private HttpRequest.Builder post(String path, JsonNode body) throws IOException {
        return HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }

    private JsonNode send(HttpRequest.Builder request, String what) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(request.build().timeout().orElse(Duration.ofSeconds(30))).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + what, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException(what + " at " + base + ": HTTP " + response.statusCode() + " "
                    + errors(response.body()));
        }
        String body = response.body();
        return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    }

    /** The first lines of Flink's {@code {"errors": [...]}} body, or the body itself. */
    private static String errors(String body) {
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray() && errors.size() > 0) {
                List<String> lines = new ArrayList<>();
                for (JsonNode e : errors) {
                    e.asText().lines().limit(12).forEach(lines::add);
                }
                return String.join("\n", lines);
            }
        } catch (IOException notJson) {
            // fall through to the raw body
        }
        return body;
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
