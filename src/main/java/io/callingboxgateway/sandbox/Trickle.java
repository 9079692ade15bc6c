package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * A steady trickle of synthetic calls, so a newcomer's {@code /calls} is never empty. Gaps are real
 * time (not scaled): the trickle is for people watching, not for compressed tests.
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"dev", "test"})
public class Trickle {

    private static final Logger LOG = Logger.getLogger(Trickle.class);
    static final Duration MIN_EVERY = Duration.ofMillis(100);
    static final Duration MAX_EVERY = Duration.ofDays(1);

    private final CallSimulator simulator;
    private final SimulatorClock clock;
    private final SimulatorRandom random;
    private final SandboxConfig.Trickle config;
    private boolean enabled;
    private Duration every;
    private long round;

    Trickle(CallSimulator simulator, SimulatorClock clock, SimulatorRandom random, SandboxConfig config) {
        this.simulator = simulator;
        this.clock = clock;
        this.random = random;
        this.config = config.trickle();
        this.every = this.config.every();
    }

    void onStart(@Observes StartupEvent started) {
        if (config.enabled()) {
            set(true, config.every(), config.firstAfter());
            LOG.infof("Sandbox: a synthetic call about every %s, the first in %s", every, config.firstAfter());
        }
    }

    /** Turns the trickle on or off; the first call of a new trickle comes after at most one gap. */
    public synchronized void set(boolean enabled, Duration every) {
        set(enabled, every, gap(every));
    }

    private synchronized void set(boolean enabled, Duration every, Duration first) {
        if (every.compareTo(MIN_EVERY) < 0 || every.compareTo(MAX_EVERY) > 0) {
            throw FaultSettings.invalid("every", "every must be an ISO-8601 duration from PT0.1S to P1D");
        }
        this.enabled = enabled;
        this.every = every;
        long current = ++round;
        if (enabled) {
            clock.afterReal(first, () -> tick(current));
        }
    }

    public synchronized Duration every() {
        return every;
    }

    public synchronized boolean enabled() {
        return enabled;
    }

    synchronized ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("enabled", enabled);
        json.put("every", every.toString());
        return json;
    }

    private void tick(long expected) {
        Duration next;
        synchronized (this) {
            if (!enabled || round != expected) {
                return;
            }
            next = gap(every);
        }
        clock.afterReal(next, () -> tick(expected));
        simulator.placeSynthetic();
    }

    private Duration gap(Duration mean) {
        return Duration.ofNanos(Math.round(mean.toNanos() * random.between(0.5, 1.5)));
    }
}
