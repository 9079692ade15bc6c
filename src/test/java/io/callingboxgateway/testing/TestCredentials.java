package io.callingboxgateway.testing;

public final class TestCredentials {
    public static final String ADMIN_KEY = "gwk_test_admin_0123456789abcdef0123456789abcdef";
    public static final String AUTHORIZATION = "Bearer " + ADMIN_KEY;

    private TestCredentials() {}
}
