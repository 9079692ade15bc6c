package io.callingboxgateway.sandbox;

/** A refusal of the simulated CallingBox API, answered as CallingBox does: {@code {"error": "..."}}. */
final class CallingBoxError extends RuntimeException {

    final int status;

    CallingBoxError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static CallingBoxError badRequest(String message) {
        return new CallingBoxError(400, message);
    }
}
