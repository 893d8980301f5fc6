package dev.conduit.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** All SQL of webhooks and their deliveries (V14). */
final class WebhookStore {
    /** A registered endpoint; {@code previousSecret} signs too until {@code previousUntil}. */
    record Webhook(long id, long userId, String url, List<String> events, String secret,
                   Optional<String> previousSecret, Optional<Instant> previousUntil, Instant createdAt) {
    }

    /** One event's delivery to one webhook, as recorded. */
    record Delivery(UUID id, long webhookId, String event, String payload, Instant createdAt, int attempts,
                    Integer lastStatus, String lastError, Instant deliveredAt) {
    }

    long insert(Handle h, long userId, String url, List<String> events, String secret) {
        return h.createQuery("""
                        insert into webhooks (user_id, url, events, secret) values (:user, :url, :events, :secret)
                        returning id""")
                .bind("user", userId)
                .bind("url", url)
                .bind("events", events.toArray(String[]::new))
                .bind("secret", secret)
                .mapTo(Long.class)
                .one();
    }

    List<Webhook> ofUser(Handle h, long userId) {
        return h.createQuery("select * from webhooks where user_id = :user order by id")
                .bind("user", userId)
                .map((rs, ctx) -> webhook(rs))
                .list();
    }

    /** Webhook {@code id}, whoever's it is (a delivery's). */
    Optional<Webhook> byId(Handle h, long id) {
        return h.createQuery("select * from webhooks where id = :id").bind("id", id).map((rs, ctx) -> webhook(rs))
                .findOne();
    }

    /** {@code userId}'s webhook {@code id}, if it is theirs. */
    Optional<Webhook> find(Handle h, long userId, long id) {
        return byId(h, id).filter(webhook -> webhook.userId() == userId);
    }

    /** The events {@code userId}'s webhooks want, together (none, for most users). */
    Set<String> events(Handle h, long userId) {
        return Set.copyOf(h.createQuery("select distinct unnest(events) from webhooks where user_id = :user")
                .bind("user", userId)
                .mapTo(String.class)
                .list());
    }

    /** The webhooks of {@code userId} that want {@code event}: an event's fan-out. */
    List<Webhook> subscribed(Handle h, long userId, String event) {
        return h.createQuery("select * from webhooks where user_id = :user and :event = any(events) order by id")
                .bind("user", userId)
                .bind("event", event)
                .map((rs, ctx) -> webhook(rs))
                .list();
    }

    boolean delete(Handle h, long userId, long id) {
        return h.createUpdate("delete from webhooks where id = :id and user_id = :user")
                .bind("id", id)
                .bind("user", userId)
                .execute() == 1;
    }

    /** A new secret; the current one keeps signing beside it until {@code graceUntil}. */
    boolean rotate(Handle h, long userId, long id, String secret, Instant graceUntil) {
        return h.createUpdate("""
                        update webhooks set previous_secret = secret, previous_until = :until, secret = :secret
                        where id = :id and user_id = :user""")
                .bind("id", id)
                .bind("user", userId)
                .bind("secret", secret)
                .bind("until", graceUntil)
                .execute() == 1;
    }

    /** The event's delivery to the webhook, unless a fan-out of the same event recorded it already. */
    boolean insertDelivery(Handle h, UUID id, long webhookId, UUID eventKey, String event, String payload) {
        return h.createUpdate("""
                        insert into webhook_deliveries (id, webhook_id, event_key, event, payload)
                        values (:id, :webhook, :eventKey, :event, cast(:payload as jsonb))
                        on conflict (event_key, webhook_id) do nothing""")
                .bind("id", id)
                .bind("webhook", webhookId)
                .bind("eventKey", eventKey)
                .bind("event", event)
                .bind("payload", payload)
                .execute() == 1;
    }

    Optional<Delivery> delivery(Handle h, UUID id) {
        return h.createQuery("select * from webhook_deliveries where id = :id")
                .bind("id", id)
                .map((rs, ctx) -> delivery(rs))
                .findOne();
    }

    /** A webhook's deliveries, newest first. */
    List<Delivery> deliveries(Handle h, long webhookId, int limit) {
        return h.createQuery("""
                        select * from webhook_deliveries where webhook_id = :webhook
                        order by created_at desc, id limit :limit""")
                .bind("webhook", webhookId)
                .bind("limit", limit)
                .map((rs, ctx) -> delivery(rs))
                .list();
    }

    /** An attempt's outcome: the receiver's status (null: no answer) and, when it failed, why. */
    void attempted(Handle h, UUID id, Integer status, String error, boolean delivered) {
        h.createUpdate("""
                        update webhook_deliveries set attempts = attempts + 1, last_status = :status,
                                                      last_error = :error,
                                                      delivered_at = case when :delivered then now() else delivered_at end
                        where id = :id""")
                .bind("id", id)
                .bind("status", status)
                .bind("error", error)
                .bind("delivered", delivered)
                .execute();
    }

    private static Webhook webhook(java.sql.ResultSet rs) throws java.sql.SQLException {
        var until = rs.getObject("previous_until", java.time.OffsetDateTime.class);
        return new Webhook(rs.getLong("id"), rs.getLong("user_id"), rs.getString("url"),
                List.of((String[]) rs.getArray("events").getArray()), rs.getString("secret"),
                Optional.ofNullable(rs.getString("previous_secret")),
                Optional.ofNullable(until).map(java.time.OffsetDateTime::toInstant),
                rs.getObject("created_at", java.time.OffsetDateTime.class).toInstant());
    }

    private static Delivery delivery(java.sql.ResultSet rs) throws java.sql.SQLException {
        var delivered = rs.getObject("delivered_at", java.time.OffsetDateTime.class);
        return new Delivery(rs.getObject("id", UUID.class), rs.getLong("webhook_id"), rs.getString("event"),
                rs.getString("payload"), rs.getObject("created_at", java.time.OffsetDateTime.class).toInstant(),
                rs.getInt("attempts"), (Integer) rs.getObject("last_status"), rs.getString("last_error"),
                delivered == null ? null : delivered.toInstant());
    }
}
