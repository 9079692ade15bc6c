package io.callingboxgateway.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callingboxgateway.problem.ProblemException;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EventFormatTest {

    @Test
    void theNamesProblemsListAreEveryFormatsName() {
        assertEquals(
                Arrays.stream(EventFormat.values()).map(EventFormat::wireName).collect(Collectors.joining(", ")),
                EventFormat.NAMES);
    }

    @Test
    void anAbsentParameterIsTheGatewaysFormatAndAnUnknownOneA400NamingFormat() {
        assertEquals(EventFormat.GATEWAY, EventFormat.parameter(null));
        assertEquals(EventFormat.CLOUDEVENTS, EventFormat.parameter("cloudevents"));
        ProblemException refused = assertThrows(ProblemException.class, () -> EventFormat.parameter("CloudEvents"));
        assertEquals(400, refused.problem().status());
        assertEquals("format", refused.problem().parameter());
    }
}
