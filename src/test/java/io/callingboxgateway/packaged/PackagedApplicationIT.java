package io.callingboxgateway.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packaged application (target/quarkus-app, prod profile, a real PostgreSQL) as it is shipped:
 * the dev/test sandbox is not in it, errors are problem JSON, logs are JSON lines and health answers
 * on the management port. Requests go through java.net.http so that exactly the credential of
 * {@link PackagedAppConfig} is sent.
 */
@QuarkusIntegrationTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PackagedAppConfig.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class PackagedApplicationIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void the_sandbox_is_not_in_the_packaged_application() throws Exception {
        for (String path : List.of("/sandbox/faults", "/sandbox/callingbox/v1/calls")) {
            assertEquals(404, get(api(path)).statusCode(), path);
        }
    }

    @Test
    void errors_are_problem_json() throws Exception {
        HttpResponse<String> badLimit = get(api("/calls?limit=0"));
        assertEquals(400, badLimit.statusCode(), badLimit.body());
        assertProblem(badLimit);

        HttpResponse<String> unknownCall = get(api("/calls/6f1c2a8e-0000-4000-8000-000000000000"));
        assertEquals(404, unknownCall.statusCode(), unknownCall.body());
        assertProblem(unknownCall);

        for (String body : List.of("{", "{\"url\": \"https://example.com/hook\", \"event_type\": \"x\"}")) {
            HttpResponse<String> badBody = HTTP.send(
                    HttpRequest.newBuilder(api("/subscriptions"))
                            .header("Authorization", "Bearer " + PackagedAppConfig.ADMIN_KEY)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, badBody.statusCode(), body + " -> " + badBody.body());
            assertProblem(badBody);
        }
    }

    @Test
    void a_request_without_a_credential_is_refused() throws Exception {
        HttpResponse<String> anonymous =
                HTTP.send(HttpRequest.newBuilder(api("/calls")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertEquals(
                "Bearer", anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
        assertFalse(anonymous.body().contains("at io.callingboxgateway"), anonymous.body());
    }

    @Test
    void health_answers_on_the_management_port() throws Exception {
        URI ready = URI.create("http://localhost:" + PackagedAppConfig.managementPort + "/q/health/ready");
        HttpResponse<String> health =
                HTTP.send(HttpRequest.newBuilder(ready).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, get(api("/q/health/ready")).statusCode(), "health is not on the API port");
        assertEquals(200, health.statusCode(), health.body());
        assertEquals("UP", JSON.readTree(health.body()).path("status").asText(), health.body());
    }

    @Test
    void every_log_line_is_a_json_object() throws Exception {
        get(api("/calls?limit=0")); // something to log about, at least the start
        Path log = Path.of("target", "quarkus.log");
        List<String> lines =
                Files.readAllLines(log).stream().filter(line -> !line.isBlank()).toList();
        assertFalse(lines.isEmpty(), "nothing in " + log.toAbsolutePath());
        for (String line : lines) {
            JsonNode record;
            try {
                record = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not a JSON log line: " + line, e);
            }
            assertTrue(record.isObject() && record.hasNonNull("message") && record.hasNonNull("level"), line);
        }
        assertTrue(
                lines.stream().anyMatch(line -> line.contains("started in")),
                "no start line in " + log.toAbsolutePath());
    }

    private static void assertProblem(HttpResponse<String> response) throws IOException {
        assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.headers().toString());
        JsonNode problem = JSON.readTree(response.body());
        assertEquals(response.statusCode(), problem.path("status").asInt(), response.body());
        assertFalse(problem.path("title").asText().isEmpty(), response.body());
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + PackagedAppConfig.ADMIN_KEY)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI api(String path) {
        return URI.create("http://localhost:" + RestAssured.port + path);
    }
}
