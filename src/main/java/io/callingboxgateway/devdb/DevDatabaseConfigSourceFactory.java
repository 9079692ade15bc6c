package io.callingboxgateway.devdb;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Gives {@code ./mvnw quarkus:dev} a real PostgreSQL with no set-up: in the dev profile, when no
 * datasource URL is configured anywhere, it starts an embedded server and points the datasource at it.
 *
 * <p>Three guards keep it out of production: it acts only in the {@code dev} profile, only when the
 * embedded server's classes are present (they are a {@code provided} dependency, absent from the
 * packaged application), and never when {@code QUARKUS_DATASOURCE_JDBC_URL} or the property is set,
 * which always wins. Its values sit below every other config source for the same reason.
 */
public class DevDatabaseConfigSourceFactory implements ConfigSourceFactory {

    private static final String URL = "quarkus.datasource.jdbc.url";
    private static final String EMBEDDED_CLASS = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue configured = context.getValue(URL);
        if (!context.getProfiles().contains("dev")
                || (configured != null && configured.getValue() != null)
                || !embeddedServerPresent()) {
            return List.of();
        }
        Map<String, String> datasource = Map.of(
                URL,
                DevDatabase.jdbcUrl(),
                "quarkus.datasource.username",
                "postgres",
                "quarkus.datasource.password",
                "postgres");
        return List.of(new PropertiesConfigSource(datasource, "embedded dev PostgreSQL", 1));
    }

    private static boolean embeddedServerPresent() {
        try {
            Class.forName(EMBEDDED_CLASS, false, DevDatabaseConfigSourceFactory.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
