package dev.conduit.mail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conduit.comments.Comments;
import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.jobs.Events;
import dev.conduit.platform.jobs.Jobs;
import dev.conduit.platform.json.Jackson;
import dev.conduit.profiles.Profiles;
import dev.conduit.users.Notices;
import dev.conduit.users.Users;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Email: each new address gets a link that verifies it (on registration, on a change of address); a verified address
 * is told of new followers and of comments on its owner's articles, each kind unless turned off, each with a link
 * (and RFC 8058 headers) that turns it off in one click, and at most {@code dailyCap} mails a day per account. A mail
 * is a job queued with the write it tells of ({@link Events}); the job renders and sends it, its Message-ID made of
 * the job's key, so a mail sent again after a crash is one receivers drop as a repeat. On only with {@code SMTP_URL}.
 */
public final class Mail implements Events.Listener {
    static final String SEND_JOB = "email.send";
    public static final String FOLLOWERS = "followers";
    public static final String COMMENTS = "comments";
    static final Set<String> KINDS = Set.of(FOLLOWERS, COMMENTS);
    private static final String VERIFY = "verify";
    private static final int EXCERPT = 500;

    private final Jdbi jdbi;
    private final Jobs jobs;
    private final Users users;
    private final Links links;
    private final Mailer mailer;
    private final String siteUrl;
    private final String domain;
    private final int dailyCap;
    private final MailStore store = new MailStore();

    /**
     * Mail through the SMTP server {@code smtp} ({@link Mailer}), from {@code from} (an address, with a name or
     * not); {@code siteUrl}: the site's public origin, where the links in mails lead; {@code jwtSecrets}: the JWT
     * secret, then the previous one while it is rotated out, from which the links' key is derived.
     */
    public Mail(Jdbi jdbi, Jobs jobs, Users users, URI smtp, String from, URI siteUrl, List<byte[]> jwtSecrets,
                Clock clock, int dailyCap) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.users = users;
        this.links = new Links(jwtSecrets, clock);
        try {
            this.mailer = new Mailer(smtp, new InternetAddress(from, true));
        } catch (AddressException e) {
            throw new IllegalArgumentException("MAIL_FROM is not an email address: " + e.getMessage(), e);
        }
        this.siteUrl = siteUrl.toString().replaceAll("/+$", "");
        this.domain = siteUrl.getHost();
        this.dailyCap = dailyCap;
        jobs.handle(SEND_JOB, this::send);
    }

    @Override
    public boolean wants(String name, Long owner) {
        return switch (name) {
            case Users.ADDRESS_TO_VERIFY -> true;
            case Profiles.FOLLOWED -> owner != null && accepts(owner, FOLLOWERS);
            case Comments.CREATED -> owner != null && accepts(owner, COMMENTS);
            default -> false;
        };
    }

    /** Whether account {@code userId} takes notices of {@code kind} now: verified, and not turned off. */
    private boolean accepts(long userId, String kind) {
        return users.recipient(userId).filter(Users.Recipient::verified)
                .filter(r -> FOLLOWERS.equals(kind) ? r.notices().followers() : r.notices().comments())
                .isPresent();
    }

    /**
     * Queues the mail an event calls for in the writer's transaction, within the owner's daily cap. What the
     * recipient wants is asked again when it is sent: a notice turned off meanwhile is not sent.
     */
    @Override
    public void heard(Handle h, Events.Event event) {
        var mail = new LinkedHashMap<String, Object>();
        switch (event.name()) {
            case Users.ADDRESS_TO_VERIFY -> {
                if (!(event.data().get() instanceof Users.AddressToVerify address)) {
                    return; // verified already
                }
                mail.put("kind", VERIFY);
                mail.put("email", address.email());
            }
            case Profiles.FOLLOWED -> {
                JsonNode data = asJson(event.data().get());
                mail.put("kind", FOLLOWERS);
                mail.put("follower", data.at("/follower/username").asText());
            }
            case Comments.CREATED -> {
                if (event.actor() == event.owner()) {
                    return; // one's own comment
                }
                JsonNode data = asJson(event.data().get());
                String body = data.at("/comment/body").asText();
                mail.put("kind", COMMENTS);
                mail.put("commenter", data.at("/comment/author/username").asText());
                mail.put("slug", data.at("/article/slug").asText());
                mail.put("excerpt", body.length() > EXCERPT ? body.substring(0, EXCERPT) + "…" : body);
            }
            default -> {
                return;
            }
        }
        mail.put("recipient", event.owner());
        if (store.count(h, event.owner(), dailyCap)) {
            try {
                jobs.queue(h, SEND_JOB, Jackson.MAPPER.writeValueAsString(mail));
            } catch (IOException e) {
                throw new IllegalStateException("a mail's fields are always JSON", e);
            }
        }
    }

    /**
     * Sends the verification link again, to the account's address; false, sending nothing, when it is verified
     * already.
     */
    public boolean resendVerification(long userId) {
        var recipient = users.recipient(userId).orElseThrow(Failure.Unauthorized::accountGone);
        if (recipient.verified()) {
            return false;
        }
        jdbi.useTransaction(h -> heard(h, new Events.Event(Users.ADDRESS_TO_VERIFY, userId, userId,
                () -> new Users.AddressToVerify(userId, recipient.username(), recipient.email()))));
        return true;
    }

    /**
     * Follows a verification link; false when it is not one (any more): forged, expired, or for an address the account
     * no longer has.
     */
    public boolean verify(String token) {
        return links.verification(token).map(v -> users.verify(v.userId(), v.email())).orElse(false);
    }

    /** Follows an unsubscribe link; empty when it is not one, else the kind of notice now off. */
    public Optional<String> unsubscribe(String token) {
        var link = links.unsubscribe(token);
        link.ifPresent(u -> users.setNotices(u.userId(), new Notices(
                FOLLOWERS.equals(u.kind()) ? false : null, COMMENTS.equals(u.kind()) ? false : null)));
        return link.map(Links.Unsubscribe::kind);
    }

    /** Renders and sends a queued mail, if its recipient still wants it. */
    private void send(Jobs.Job job) throws IOException, MessagingException {
        JsonNode mail = Jackson.MAPPER.readTree(job.payload());
        String kind = mail.get("kind").asText();
        long userId = mail.get("recipient").asLong();
        var recipient = users.recipient(userId);
        if (recipient.isEmpty() || !VERIFY.equals(kind) && !accepts(userId, kind)) {
            return; // the account is gone, or no longer wants it
        }
        String name = recipient.get().username();
        String messageId = "<" + job.key() + "@" + domain + ">";
        if (VERIFY.equals(kind)) {
            String email = mail.get("email").asText();
            if (!email.equalsIgnoreCase(recipient.get().email())) {
                return; // the address changed again: its own link is on its way
            }
            String link = siteUrl + "/verify-email?token=" + encode(links.verification(userId, email));
            mailer.send(new Mailer.Message(email, "Verify your email address for Conduit", String.join("\n",
                    "Hello " + name + ",", "",
                    "To verify " + email + " for your Conduit account, open this link within "
                            + Links.VERIFY_FOR.toHours() + " hours:", link, "",
                    "If you did not ask for this, ignore this message."), messageId, Optional.empty()));
            return;
        }
        String unsubscribe = siteUrl + "/api/email/unsubscribe?token=" + encode(links.unsubscribe(userId, kind));
        String stop = siteUrl + "/unsubscribe?token=" + encode(links.unsubscribe(userId, kind));
        List<String> lines;
        String subject;
        if (FOLLOWERS.equals(kind)) {
            String follower = mail.get("follower").asText();
            subject = follower + " followed you on Conduit";
            lines = List.of("Hello " + name + ",", "", follower + " now follows you on Conduit:",
                    siteUrl + "/profile/" + encode(follower));
        } else {
            String commenter = mail.get("commenter").asText();
            subject = commenter + " commented on your article";
            lines = List.of("Hello " + name + ",", "", commenter + " commented on your article:",
                    siteUrl + "/article/" + encode(mail.get("slug").asText()) + "#comments", "",
                    mail.get("excerpt").asText());
        }
        String text = String.join("\n", lines) + "\n\n--\nNo more emails like this one: " + stop + "\n";
        mailer.send(new Mailer.Message(recipient.get().email(), subject, text, messageId, Optional.of(unsubscribe)));
    }

    /** An event's data as its receivers read it (its parts write their own JSON, which a tree cannot take). */
    private static JsonNode asJson(Object data) {
        try {
            return Jackson.MAPPER.readTree(Jackson.MAPPER.writeValueAsBytes(data));
        } catch (IOException e) {
            throw new IllegalStateException("an event's data is always JSON", e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
