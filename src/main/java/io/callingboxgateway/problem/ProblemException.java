package io.callingboxgateway.problem;

/**
 * A failure that has a precise answer for the caller. Thrown anywhere below a resource and turned
 * into problem JSON by {@link ProblemMappers}; never carries internal details.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final Integer retryAfterSeconds;

    public ProblemException(Problem problem) {
        this(problem, null);
    }

    private ProblemException(Problem problem, Integer retryAfterSeconds) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Problem problem() {
        return problem;
    }

    /** Seconds the caller is asked to wait before trying again, or null when trying again will not help. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /**
     * 429: a bounded resource of this replica (streams, refreshes) is in full use; trying again later
     * (after {@code Retry-After}), or on another replica, will help.
     */
    public static ProblemException tooBusy(String kind, String detail, int retryAfterSeconds) {
        return new ProblemException(Problem.of(429, kind, "Too many concurrent requests", detail), retryAfterSeconds);
    }

    public static ProblemException invalidParameter(String parameter, String detail) {
        return new ProblemException(Problem.of(400, "invalid-parameter", "Invalid request parameter", detail)
                .withParameter(parameter));
    }

    public static ProblemException gone(String parameter, String detail) {
        return new ProblemException(
                Problem.of(410, "cursor-expired", "Cursor expired", detail).withParameter(parameter));
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(404, "not-found", "Not found", detail));
    }
}
