-- The Kafka publisher's lease and position (kafka/, docs/decisions/0067-kafka-publisher.md).
--
-- One row per topic. A replica publishes to a topic only while it holds that row's lease (taken and
-- renewed like poller_lease: UPDATE ... WHERE expires_at < now() OR owner = me; every taking bumps the
-- epoch). published_through is the id of the last event the broker acknowledged, with every event
-- before it: a new publisher, after a restart, a failover or a broker outage, resumes right after it.
-- It only moves under the current term, so a publisher that lost the lease cannot move it back or on.
-- NULL: nothing published yet; publishing starts at the oldest retained event.
CREATE TABLE kafka_publisher (
    topic              text        PRIMARY KEY,
    owner              text,
    epoch              bigint      NOT NULL DEFAULT 0,
    expires_at         timestamptz NOT NULL DEFAULT '-infinity',
    published_through  bigint,
    published_at       timestamptz
);
