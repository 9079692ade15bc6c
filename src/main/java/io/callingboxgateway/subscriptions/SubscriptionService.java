package io.callingboxgateway.subscriptions;

import io.callingboxgateway.events.CallConditions;
import io.callingboxgateway.events.EventFeed;
import io.callingboxgateway.subscriptions.secrets.SigningSecrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Subscriptions as the API edits them. Edits lock the row, so they never race a delivery's guarded
 * writes, and bump its version, so a delivery in flight stops at its next write and the next claim
 * starts from the edited state.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class SubscriptionService {

    static final String DISABLED_BY_REQUEST = "disabled_by_request";

    private final EntityManager em;
    private final SubscriptionLimits limits;
    private final EventFeed feed;
    private final SubscriberUrlPolicy urls;
    private final SigningSecrets secrets;
    private final Duration secretGrace;
    private final Event<SubscriptionEdited> edited;

    SubscriptionService(
            EntityManager em,
            Event<SubscriptionEdited> edited,
            EventFeed feed,
            SubscriptionConfig config,
            SubscriberUrlPolicy urls,
            SigningSecrets secrets,
            SubscriptionLimits limits) {
        this.em = em;
        this.edited = edited;
        this.limits = limits;
        this.feed = feed;
        this.urls = urls;
        this.secrets = secrets;
        this.secretGrace = config.secretGrace();
    }

    /** A new subscription receives the events committed after it was created. */
    @Transactional
    public SubscriptionView create(SubscriptionRequest request) {
        String url = checkedUrl(request.url());
        List<String> types = SubscribedTypes.checked(request.eventTypes());
        CallConditions filter = SubscriptionFilter.checked(request.filter());
        requireRoomForOneMore();
        Instant now = now();
        Subscription s = new Subscription();
        s.id = UUID.randomUUID();
        s.url = url;
        s.eventTypes = types;
        s.filter = filter.toJson();
        s.description = blankToNull(request.description());
        s.enabled = request.enabled() == null || request.enabled();
        s.includePersonalData = request.wantsPersonalData();
        s.format = SubscriptionFormat.checked(request.format());
        if (!s.enabled) {
            s.disabledReason = DISABLED_BY_REQUEST;
            s.disabledAt = now;
        }
        String secret = PushSignature.newSecret();
        s.signingSecretEncrypted = secrets.seal(s.id, secret);
        s.position = feed.head();
        s.nextAttemptAt = now;
        s.createdAt = now;
        s.updatedAt = now;
        s.persist();
        edited.fire(new SubscriptionEdited(s.enabled));
        return SubscriptionView.withSecret(s, s.position, now, secret);
    }

    /** A keyset page, oldest first by (created_at, id), after the subscription a cursor names. */
    public SubscriptionList list(SubscriptionCursor after, int limit) {
        long head = feed.head();
        Instant now = now();
        List<Subscription> rows = after == null
                ? Subscription.<Subscription>find("order by createdAt, id")
                        .range(0, limit)
                        .list()
                : Subscription.<Subscription>find(
                                "where (createdAt, id) > (?1, ?2) order by createdAt, id",
                                after.createdAt(),
                                after.id())
                        .range(0, limit)
                        .list();
        boolean hasMore = rows.size() > limit;
        List<Subscription> page = hasMore ? rows.subList(0, limit) : rows;
        String next = hasMore ? SubscriptionCursor.after(page.get(limit - 1)).encode() : null;
        return new SubscriptionList(
                page.stream().map(s -> SubscriptionView.of(s, head, now)).toList(), hasMore, next);
    }

    /**
     * Refuses a subscription beyond {@code gateway.subscriptions.max} ({@link SubscriptionLimitReached}). Creations take one transaction
     * lock in turn, so two at once cannot both take the last place.
     */
    private void requireRoomForOneMore() {
        em.createNativeQuery("select pg_advisory_xact_lock(hashtext('subscription.create'))")
                .getSingleResult();
        long count = Subscription.count();
        if (count >= limits.max()) {
            throw new SubscriptionLimitReached(count, limits.max());
        }
    }

    public Optional<SubscriptionView> find(UUID id) {
        return Subscription.<Subscription>findByIdOptional(id).map(s -> SubscriptionView.of(s, feed.head(), now()));
    }

    @Transactional
    public Optional<SubscriptionView> update(UUID id, SubscriptionPatch patch) {
        String url = patch.url() == null ? null : checkedUrl(patch.url());
        List<String> types = patch.eventTypes() == null ? null : SubscribedTypes.checked(patch.eventTypes());
        String format = patch.format() == null ? null : SubscriptionFormat.checked(patch.format());
        CallConditions filter = patch.filter() == null ? null : SubscriptionFilter.checked(patch.filter());
        Subscription s = em.find(Subscription.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = now();
        if (url != null && !url.equals(s.url)) {
            s.url = url;
            // A corrected URL deserves a fresh set of attempts, now.
            s.attempts = 0;
            s.nextAttemptAt = now;
        }
        if (types != null) {
            s.eventTypes = types;
        }
        if (format != null) {
            s.format = format;
        }
        if (filter != null) {
            s.filter = filter.toJson();
        }
        if (patch.description() != null) {
            s.description = blankToNull(patch.description());
        }
        if (patch.enabled() != null && patch.enabled() != s.enabled) {
            s.enabled = patch.enabled();
            if (s.enabled) {
                s.disabledReason = null;
                s.disabledAt = null;
                s.consecutiveFailures = 0;
                s.consecutiveDeadLetters = 0;
                s.attempts = 0;
                s.nextAttemptAt = now;
            } else {
                s.disabledReason = DISABLED_BY_REQUEST;
                s.disabledAt = now;
            }
        }
        s.updatedAt = now;
        edited.fire(new SubscriptionEdited(s.enabled));
        return Optional.of(SubscriptionView.of(s, feed.head(), now));
    }

    /**
     * Issues a new signing secret. The one it replaces keeps signing pushes, beside the new one, for
     * the grace period, so a subscriber can switch without losing a push; a rotation within the grace
     * period drops the older one. Bumps the version, so a delivery in flight stops and the next claim
     * signs with both.
     */
    @Transactional
    public Optional<SecretRotation> rotateSecret(UUID id) {
        Subscription s = em.find(Subscription.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = now();
        String secret = PushSignature.newSecret();
        boolean grace = !secretGrace.isNegative() && !secretGrace.isZero();
        s.previousSecretEncrypted = grace ? currentSealed(s) : null;
        s.previousSecretExpiresAt = grace ? now.plus(secretGrace) : null;
        s.signingSecretEncrypted = secrets.seal(s.id, secret);
        s.plainSigningSecret = null;
        s.updatedAt = now;
        return Optional.of(new SecretRotation(s.id, secret, s.previousSecretExpiresAt));
    }

    /** The current secret sealed; one still in plain text (not yet encrypted at startup) is sealed now. */
    private byte[] currentSealed(Subscription s) {
        return s.signingSecretEncrypted != null ? s.signingSecretEncrypted : secrets.seal(s.id, s.plainSigningSecret);
    }

    @Transactional
    public boolean delete(UUID id) {
        return Subscription.deleteById(id);
    }

    /**
     * Moves the subscriber's position to {@code position} (back to replay, or forward to skip), so the
     * events after it are delivered again in order. Dead letters after it are dropped: those events
     * are queued again.
     *
     * @param position the feed position the resource read from the caller's cursor
     */
    @Transactional
    public Optional<SubscriptionView> replay(UUID id, long position) {
        Subscription s = em.find(Subscription.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = now();
        s.position = position;
        s.attempts = 0;
        s.nextAttemptAt = now;
        s.updatedAt = now;
        em.createNativeQuery("delete from dead_letter where subscription_id = :id and event_id > :position")
                .setParameter("id", id)
                .setParameter("position", position)
                .executeUpdate();
        edited.fire(new SubscriptionEdited(s.enabled));
        return Optional.of(SubscriptionView.of(s, feed.head(), now));
    }

    /**
     * Queues a replay of {@code range} beside the live position, replacing one still waiting. Bumps the
     * version, so a delivery in flight stops at its next write and the next claim takes the replay up.
     */
    @Transactional
    public Optional<SubscriptionView> replayWindow(UUID id, ReplayRequest.Range range) {
        Subscription s = em.find(Subscription.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = now();
        s.replayAfter = range.after();
        s.replayThrough = range.through();
        s.replaySince = range.since();
        s.replayUntil = range.until();
        s.replayAttempts = 0;
        s.updatedAt = now;
        edited.fire(new SubscriptionEdited(s.enabled));
        return Optional.of(SubscriptionView.of(s, feed.head(), now));
    }

    private String checkedUrl(String url) {
        try {
            return urls.check(url.trim()).uri().toString();
        } catch (SubscriberUrlPolicy.Refused e) {
            throw new InvalidSubscription("url", e.getMessage());
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
