package io.callingboxgateway.upstream;

import java.util.Optional;

/** The CallingBox API key: checked once, never printed whole. */
public final class ApiKey {

    private final String value;

    private ApiKey(String value) {
        this.value = value;
    }

    /**
     * @return empty when no key is configured
     * @throws IllegalStateException for a key that cannot be a CallingBox key; the message does not contain it
     */
    public static Optional<ApiKey> from(Optional<String> configured) {
        Optional<String> key = configured.map(String::strip).filter(k -> !k.isEmpty());
        if (key.isPresent() && !key.get().startsWith("sk_")) {
            throw new IllegalStateException("CALLINGBOX_API_KEY is set but does not start with \"sk_\"; CallingBox keys"
                    + " always do. Check the variable (its value is not shown here).");
        }
        return key.map(ApiKey::new);
    }

    public String bearer() {
        return "Bearer " + value;
    }

    /** The key as it may appear in a log line: {@code sk_…abcd}. */
    public String masked() {
        return "sk_…" + (value.length() > 11 ? value.substring(value.length() - 4) : "");
    }

    @Override
    public String toString() {
        return masked();
    }
}
