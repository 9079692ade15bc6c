package io.callingboxgateway.problem;

import java.util.UUID;

/** Parsing of request values that answers a precise problem instead of a generic failure. */
public final class RequestValues {

    private RequestValues() {}

    /** A canonical UUID (8-4-4-4-12 hex digits), or null when absent. */
    public static UUID uuid(String parameter, String value) {
        if (value == null) {
            return null;
        }
        try {
            UUID parsed = UUID.fromString(value);
            if (parsed.toString().equalsIgnoreCase(value)) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ProblemException.invalidParameter(
                parameter, "%s '%s' is not a UUID (expected 8-4-4-4-12 hex digits)".formatted(parameter, echo(value)));
    }

    /** A whole number from min to max, or the default when absent. */
    public static int intInRange(String parameter, String value, int min, int max, int defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.invalidParameter(
                parameter, "%s must be a whole number from %d to %d".formatted(parameter, min, max));
    }

    /** A position in a list (an id or a next_cursor: a whole number, 0 or more), or 0 when absent. */
    public static long position(String parameter, String value, String detail) {
        if (value == null) {
            return 0;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.invalidParameter(parameter, detail);
    }

    /** Caller input echoed back in a problem detail: short and printable, never a log-injection vector. */
    public static String echo(String value) {
        String printable = value.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() <= 64 ? printable : printable.substring(0, 61) + "...";
    }
}
