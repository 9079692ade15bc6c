package io.callingboxgateway.subscriptions.secrets;

import io.callingboxgateway.keys.SharedKeys;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Subscription signing secrets encrypted at rest (docs/decisions/0051). Each is sealed with
 * AES-256-GCM, bound to its subscription's id, under {@code GATEWAY_SECRETS_KEY} or, when that is
 * unset, under a key generated once and kept in the database. At startup, secrets still stored in
 * plain text are encrypted, and secrets sealed under the database key move to the configured key.
 */
@ApplicationScoped
public class SigningSecrets {

    static final String SETTING = "GATEWAY_SECRETS_KEY (gateway.secrets-key)";
    static final String STORED_KEY_NAME = "subscription-secrets";
    /** The key generated and kept in the database (gateway_key). */
    static final byte STORED_KEY_ID = 1;
    /** The key from GATEWAY_SECRETS_KEY. */
    static final byte CONFIGURED_KEY_ID = 2;

    private static final Logger LOG = Logger.getLogger(SigningSecrets.class);

    private final SharedKeys sharedKeys;
    private final DataSource dataSource;
    private final Optional<byte[]> configuredKey;
    private volatile SecretBox box;

    SigningSecrets(SecretsKeyConfig config, SharedKeys sharedKeys, DataSource dataSource) {
        this.sharedKeys = sharedKeys;
        this.dataSource = dataSource;
        this.configuredKey = configuredKey(config.secretsKey());
        this.box = configuredKey
                .map(key -> new SecretBox(CONFIGURED_KEY_ID, Map.of(CONFIGURED_KEY_ID, key)))
                .orElseGet(() -> new SecretBox(STORED_KEY_ID, Map.of(STORED_KEY_ID, storedKey())));
    }

    /**
     * The configured key, checked.
     *
     * @throws IllegalStateException when it is set but not base64 of 32 bytes, so the gateway refuses
     *     to start rather than run with a key nobody meant
     */
    static Optional<byte[]> configuredKey(Optional<String> setting) {
        if (setting.isEmpty() || setting.get().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(SecretBox.parseKey(SETTING, setting.get()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    /** The secret sealed for this subscription: ciphertext that opens only under our key and for this id. */
    public byte[] seal(UUID subscriptionId, String secret) {
        return box.seal(secret.getBytes(StandardCharsets.UTF_8), associatedData(subscriptionId));
    }

    /** @throws SecretBox.Unreadable when the key that sealed it is not here, or it belongs to another row */
    public String open(UUID subscriptionId, byte[] sealed) {
        return new String(box.open(sealed, associatedData(subscriptionId)), StandardCharsets.UTF_8);
    }

    // Before delivery starts (default priority), so no push waits for a plain secret to be encrypted.
    void atStartup(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE) StartupEvent event) {
        if (configuredKey.isEmpty()) {
            LOG.warn("Subscription signing secrets are encrypted under a key kept in the database, since"
                    + " GATEWAY_SECRETS_KEY is not set: this protects leaked subscription rows and backups"
                    + " of that table only. Set GATEWAY_SECRETS_KEY (base64 of 32 random bytes, e.g."
                    + " `openssl rand -base64 32`) from a secret store to keep the key apart from the data.");
        }
        encryptStoredSecrets();
    }

    /**
     * Encrypts every secret still stored in plain text, moves secrets sealed under the database key to
     * the configured key (when one is set), and reports secrets no key here can open. Idempotent, and
     * safe while other replicas do the same: every write is guarded by the value it replaces.
     */
    public void encryptStoredSecrets() {
        try (Connection connection = dataSource.getConnection()) {
            int encrypted = encryptPlainSecrets(connection);
            if (encrypted > 0) {
                LOG.infof("Encrypted %d subscription signing secret(s) that were stored in plain text", encrypted);
            }
            if (configuredKey.isPresent() && countSealedWith(connection, STORED_KEY_ID) > 0) {
                box = new SecretBox(
                        CONFIGURED_KEY_ID, Map.of(CONFIGURED_KEY_ID, configuredKey.get(), STORED_KEY_ID, storedKey()));
                int moved = resealUnderSealingKey(connection);
                LOG.infof(
                        "Re-encrypted %d subscription signing secret(s) from the database-kept key to"
                                + " GATEWAY_SECRETS_KEY",
                        moved);
            }
            int unreadable = countUnreadable(connection);
            if (unreadable > 0) {
                LOG.errorf(
                        "%d subscription(s) have signing secrets that %s cannot decrypt (was it changed or"
                                + " removed?); pushes to them fail until the key they were encrypted with is"
                                + " configured again, or their secrets are rotated",
                        unreadable, configuredKey.isPresent() ? SETTING : "the database-kept key");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not encrypt the stored subscription signing secrets", e);
        }
    }

    private int encryptPlainSecrets(Connection connection) throws SQLException {
        int encrypted = 0;
        try (PreparedStatement select = connection.prepareStatement(
                        "select id, signing_secret from subscription where signing_secret is not null");
                PreparedStatement update = connection.prepareStatement("""
                        update subscription set signing_secret_encrypted = ?, signing_secret = null
                        where id = ? and signing_secret = ?""");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                UUID id = rows.getObject(1, UUID.class);
                String secret = rows.getString(2);
                update.setBytes(1, seal(id, secret));
                update.setObject(2, id);
                update.setString(3, secret);
                encrypted += update.executeUpdate();
            }
        }
        return encrypted;
    }

    private static int countSealedWith(Connection connection, byte keyId) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement("""
                select count(*) from subscription
                where get_byte(signing_secret_encrypted, 0) = ? or get_byte(previous_secret_encrypted, 0) = ?""")) {
            count.setInt(1, keyId);
            count.setInt(2, keyId);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    private int resealUnderSealingKey(Connection connection) throws SQLException {
        int moved = 0;
        try (PreparedStatement select = connection.prepareStatement("""
                        select id, signing_secret_encrypted, previous_secret_encrypted from subscription
                        where get_byte(signing_secret_encrypted, 0) = ? or get_byte(previous_secret_encrypted, 0) = ?""");
                PreparedStatement update = connection.prepareStatement("""
                        update subscription set signing_secret_encrypted = ?, previous_secret_encrypted = ?
                        where id = ? and signing_secret_encrypted = ?
                          and previous_secret_encrypted is not distinct from ?""")) {
            select.setInt(1, STORED_KEY_ID);
            select.setInt(2, STORED_KEY_ID);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    UUID id = rows.getObject(1, UUID.class);
                    byte[] current = rows.getBytes(2);
                    byte[] previous = rows.getBytes(3);
                    try {
                        update.setBytes(1, seal(id, open(id, current)));
                        update.setBytes(2, previous == null ? null : seal(id, open(id, previous)));
                    } catch (SecretBox.Unreadable e) {
                        continue; // counted and reported as unreadable
                    }
                    update.setObject(3, id);
                    update.setBytes(4, current);
                    update.setBytes(5, previous);
                    moved += update.executeUpdate();
                }
            }
        }
        return moved;
    }

    private int countUnreadable(Connection connection) throws SQLException {
        int unreadable = 0;
        try (PreparedStatement select = connection.prepareStatement(
                        "select id, signing_secret_encrypted from subscription where signing_secret_encrypted is not null");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                try {
                    open(rows.getObject(1, UUID.class), rows.getBytes(2));
                } catch (SecretBox.Unreadable e) {
                    unreadable++;
                }
            }
        }
        return unreadable;
    }

    private byte[] storedKey() {
        return sharedKeys.getOrCreate(STORED_KEY_NAME, SecretBox.KEY_BYTES);
    }

    /** Binds a sealed secret to its row: copied into another subscription, it does not open. */
    private static byte[] associatedData(UUID subscriptionId) {
        return ("subscription-signing-secret:" + subscriptionId).getBytes(StandardCharsets.UTF_8);
    }
}
