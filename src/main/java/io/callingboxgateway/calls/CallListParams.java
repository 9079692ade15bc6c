package io.callingboxgateway.calls;

import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The raw query parameters of {@code GET /calls}: the call's fields ({@link CallFieldParams}), its
 * timestamps, and paging. They arrive as text so that a malformed value gets a
 * precise problem answer from {@link CallFilter} instead of the framework's generic 404.
 */
public class CallListParams extends CallFieldParams {

    @RestQuery("created_after")
    @Parameter(description = "Only calls created strictly after this ISO 8601 timestamp.")
    public String createdAfter;

    @RestQuery("created_before")
    @Parameter(description = "Only calls created strictly before this ISO 8601 timestamp.")
    public String createdBefore;

    @RestQuery("updated_since")
    @Parameter(description = "Only calls whose upstream updated_at is at or after this ISO 8601 timestamp.")
    public String updatedSince;

    @RestQuery
    @Parameter(description = "Page size, 1 to 200; default 50.")
    public String limit;

    @RestQuery
    @Parameter(description = "The next_cursor of the previous page; send the same filters with it.")
    public String cursor;
}
