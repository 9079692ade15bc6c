package io.callingboxgateway.problem;

/**
 * A failure that has a precise answer for the caller. Thrown anywhere below a resource and turned
 * into problem JSON by {@link ProblemMappers}; never carries internal details.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
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
