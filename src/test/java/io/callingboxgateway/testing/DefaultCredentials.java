package io.callingboxgateway.testing;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Makes every RestAssured request of a {@code @QuarkusTest} carry {@link TestCredentials#AUTHORIZATION},
 * so tests written before the API needed credentials keep working. A request that sets its own
 * Authorization header keeps it; one marked with {@link #NONE} ({@link TestCredentials#anonymous()})
 * goes without. Registered in META-INF/services.
 */
public class DefaultCredentials implements QuarkusTestBeforeEachCallback {

    /** A marker header, removed before sending: this request carries no credential. */
    static final String NONE = "X-Test-No-Credentials";

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        // a global filter, not a request specification: a specification built here would pin the port
        // before Quarkus sets it for the test
        if (RestAssured.filters().stream().noneMatch(AddAuthorization.class::isInstance)) {
            RestAssured.filters(new AddAuthorization());
        }
    }

    static final class AddAuthorization implements OrderedFilter {

        @Override
        public Response filter(
                FilterableRequestSpecification request, FilterableResponseSpecification response, FilterContext ctx) {
            if (request.getHeaders().hasHeaderWithName(NONE)) {
                request.removeHeader(NONE);
            } else if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", TestCredentials.AUTHORIZATION);
            }
            return ctx.next(request, response);
        }

        /** Before the logging filters, so a failure's request log shows what was sent. */
        @Override
        public int getOrder() {
            return HIGHEST_PRECEDENCE;
        }
    }
}
