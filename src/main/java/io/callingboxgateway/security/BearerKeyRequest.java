package io.callingboxgateway.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A bearer token that is the admin key or one of our {@code gwk_} keys. */
final class BearerKeyRequest extends BaseAuthenticationRequest {

    private final String token;

    BearerKeyRequest(String token) {
        this.token = token;
    }

    String token() {
        return token;
    }

    @Override
    public String toString() {
        return "BearerKeyRequest[…]";
    }
}
