package dev.conduit.mail;

import org.jdbi.v3.core.Handle;

/** All SQL of email (V15's email_sent; the addresses and settings are the accounts', asked of Users). */
final class MailStore {
    /**
     * Counts one more mail to {@code userId} today, unless {@code cap} were sent already (then false, and nothing
     * changes); the user's days before today go.
     */
    boolean count(Handle h, long userId, int cap) {
        return h.createQuery("""
                        with past as (delete from email_sent where user_id = :user and day < current_date)
                        insert into email_sent (user_id, day, sent) values (:user, current_date, 1)
                        on conflict (user_id, day) do update set sent = email_sent.sent + 1
                            where email_sent.sent < :cap
                        returning sent""")
                .bind("user", userId)
                .bind("cap", cap)
                .mapTo(Integer.class)
                .findOne()
                .isPresent();
    }
}
