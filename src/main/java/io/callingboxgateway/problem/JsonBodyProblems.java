package io.callingboxgateway.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A request body the gateway could not read as the JSON it expects: 400 problem JSON that names the
 * field, in every launch mode. Quarkus's own mappers answer these with a bare 400 in the packaged
 * application (and Jackson's wording, class names included, in dev mode).
 *
 * <p>Unknown fields are refused ({@code quarkus.jackson.fail-on-unknown-properties=true}) so that a typo
 * such as {@code event_type} for {@code event_types} cannot silently mean "everything". What CallingBox
 * sends is read leniently instead, through types marked {@code @JsonIgnoreProperties(ignoreUnknown =
 * true)}.
 */
public class JsonBodyProblems {

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return describe(e).toResponse();
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return describe(e).toResponse();
    }

    @ServerExceptionMapper
    public Response unreadable(StreamReadException e) {
        return describe(e).toResponse();
    }

    /** What to tell the caller about a body Jackson refused, in the request's own field names. */
    public static Problem describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            String path = pathOf(unknown);
            String field = path.isEmpty() ? unknown.getPropertyName() : path;
            return Problem.of(
                            400,
                            "unknown-field",
                            "Unknown field",
                            "unknown field '%s'".formatted(RequestValues.echo(field)))
                    .withParameter(RequestValues.echo(field));
        }
        if (e instanceof JsonMappingException mapping && !(e instanceof StreamReadException)) {
            String path = pathOf(mapping);
            if (!path.isEmpty()) {
                return Problem.of(
                                400,
                                "invalid-body",
                                "Invalid request body",
                                "%s has a value of the wrong type or format".formatted(RequestValues.echo(path)))
                        .withParameter(RequestValues.echo(path));
            }
            return Problem.of(400, "invalid-body", "Invalid request body", "the body is not the JSON object expected");
        }
        return Problem.of(400, "malformed-json", "Malformed JSON", "the body is not valid JSON");
    }

    /** The field path as the caller wrote it: {@code filter.event_types[2]}. */
    private static String pathOf(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }
}
