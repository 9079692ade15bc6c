package io.callingboxgateway.security;

import java.util.List;

/** All API keys, oldest first. */
public record ApiKeyList(List<ApiKeyView> data) {}
