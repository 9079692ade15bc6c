package io.callingboxgateway.security;

import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Issuing, listing and revoking API keys. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class ApiKeyService {

    private static final Logger LOG = Logger.getLogger(ApiKeyService.class);

    @Transactional
    public CreatedApiKey create(ApiKeyRequest request) {
        String secret = KeyHash.newKey();
        ApiKey key = new ApiKey();
        key.id = UUID.randomUUID();
        key.name = request.name();
        key.scopes = request.scopes();
        key.keyHash = KeyHash.of(secret);
        key.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        key.persist();
        LOG.infof("API key %s created with scopes %s", key.id, key.scopes);
        return new CreatedApiKey(key.id, key.name, key.scopes, secret, key.createdAt);
    }

    public ApiKeyList list() {
        return new ApiKeyList(ApiKey.<ApiKey>listAll(Sort.by("createdAt").and("id")).stream()
                .map(ApiKeyView::of)
                .toList());
    }

    public Optional<ApiKeyView> find(UUID id) {
        return ApiKey.<ApiKey>findByIdOptional(id).map(ApiKeyView::of);
    }

    /** Deletes the key: the next request carrying it, on any replica, finds no row and gets 401. */
    @Transactional
    public boolean revoke(UUID id) {
        boolean deleted = ApiKey.deleteById(id);
        if (deleted) {
            LOG.infof("API key %s revoked", id);
        }
        return deleted;
    }
}
