package io.callingboxgateway.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code POST /api-keys}, read field by field so that every mistake is answered with the
 * field's name: an unknown field, a missing or blank name, no scopes, or a scope that does not exist.
 */
public record ApiKeyRequest(String name, List<String> scopes) {

    static final int MAX_NAME_LENGTH = 200;
    private static final Set<String> FIELDS = Set.of("name", "scopes");

    static ApiKeyRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemException.invalidParameter("body", "the body must be a JSON object with name and scopes");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw ProblemException.invalidParameter(
                        field, "unknown field '%s'; allowed: name, scopes".formatted(RequestValues.echo(field)));
            }
        }
        return new ApiKeyRequest(name(body.get("name")), scopes(body.get("scopes")));
    }

    private static String name(JsonNode name) {
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw ProblemException.invalidParameter("name", "name must be a non-blank string");
        }
        String value = name.asText().strip();
        if (value.length() > MAX_NAME_LENGTH) {
            throw ProblemException.invalidParameter("name", "name must be at most 200 characters");
        }
        return value;
    }

    private static List<String> scopes(JsonNode scopes) {
        if (scopes == null || !scopes.isArray() || scopes.isEmpty()) {
            throw ProblemException.invalidParameter(
                    "scopes", "scopes must be a non-empty array of scope names: " + Scope.names());
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode scope : scopes) {
            if (!scope.isTextual() || Scope.parse(scope.asText()).isEmpty()) {
                throw ProblemException.invalidParameter(
                        "scopes",
                        "unknown scope '%s'; known scopes: %s"
                                .formatted(RequestValues.echo(scope.asText()), Scope.names()));
            }
            names.add(scope.asText());
        }
        return new ArrayList<>(names);
    }
}
