package io.callingboxgateway.security;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A key for the internal API (see V50__api_key.sql); the key itself is never stored, only its hash. */
@Entity
@Table(name = "api_key")
public class ApiKey extends PanacheEntityBase {

    @Id
    public UUID id;

    public String name;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public List<String> scopes;

    public byte[] keyHash;
    public Instant createdAt;
    public Instant lastUsedAt;

    @Override
    public String toString() {
        return "ApiKey[" + id + " " + name + "]";
    }
}
