package dev.conduit.mail;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.conduit.Api;
import dev.conduit.TestServer;
import dev.conduit.Waits;
import dev.conduit.web.Visitor;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Email through a real SMTP server (GreenMail, on loopback): a Conduit of the test's own with SMTP_URL sends, the
 * shared test server (no SMTP_URL) has email off.
 */
class MailTest {
    private static final String SITE = "http://conduit.test";
    private static final int CAP = 5;
    private static final Pattern VERIFY_LINK = Pattern.compile(Pattern.quote(SITE) + "/verify-email\\?token=(\\S+)");
    private static final Pattern STOP_LINK = Pattern.compile(Pattern.quote(SITE) + "/unsubscribe\\?token=(\\S+)");

    /** The Message-IDs of mails a test has seen already. */
    private static final Set<String> FORGOTTEN = ConcurrentHashMap.newKeySet();

    private static GreenMail smtp;
    private static TestServer.Own node;
    private static Api api;

    @BeforeAll
    static void start() throws IOException {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", "smtp"));
        smtp.start();
        node = TestServer.start(Map.of("SMTP_URL", "smtp://127.0.0.1:" + port, "SITE_URL", SITE,
                "EMAIL_DAILY_CAP", Integer.toString(CAP)));
        api = new Api("http://127.0.0.1:" + node.app().port() + "/api");
    }

    @AfterAll
    static void stop() {
        node.close();
        smtp.stop();
    }

    @Test
    void aNewAddressGetsALinkThatVerifiesIt() throws Exception {
        var user = api.register("verified");
        assertThat(api.get("/user", user.token()).at("/user/emailVerified").asBoolean()).isFalse();
        var mail = only(user.email());
        assertThat(mail.getSubject()).isEqualTo("Verify your email address for Conduit");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("Conduit <no-reply@conduit.test>");
        assertThat(mail.getMessageID()).matches("<[0-9a-f-]{36}@conduit\\.test>");
        assertThat(mail.getHeader("List-Unsubscribe")).as("not a notice").isNull();
        String token = link(mail, VERIFY_LINK);

        assertThat(api.post("/email/verification", wrap("verification", "token", token), null).status())
                .isEqualTo(204);
        var current = api.get("/user", user.token());
        assertThat(current.at("/user/emailVerified").asBoolean()).isTrue();
        assertThat(current.at("/user/notifications/followers").asBoolean()).isTrue();
        assertThat(current.at("/user/notifications/comments").asBoolean()).isTrue();
        api.post("/user/email/verification", null, user.token()).assertError(422, "email", "is verified already");

        // a new address is unverified until its own link is followed; the old link verifies nothing
        String email = Api.unique("moved") + "@example.com";
        var moved = api.put("/user", wrap("user", "email", email), user.token());
        assertThat(moved.at("/user/emailVerified").asBoolean()).isFalse();
        api.post("/email/verification", wrap("verification", "token", token), null).assertError(422, "token",
                "is not valid: expired, or for an address the account no longer has");
        String fresh = link(only(email), VERIFY_LINK);
        assertThat(api.post("/email/verification", wrap("verification", "token", fresh), null).status())
                .isEqualTo(204);
        assertThat(api.get("/user", user.token()).at("/user/emailVerified").asBoolean()).isTrue();
    }

    @Test
    void theLinkInTheMailVerifiesInTheBrowserAndCanBeSentAgain() throws Exception {
        var user = api.register("clicked");
        only(user.email());
        assertThat(api.post("/user/email/verification", null, user.token()).status()).isEqualTo(202);
        String token = link(only(user.email()), VERIFY_LINK);
        var page = new Api("http://127.0.0.1:" + node.app().port()).get("/verify-email?token=" + token);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Address verified");
        assertThat(api.get("/user", user.token()).at("/user/emailVerified").asBoolean()).isTrue();
        var forged = new Api("http://127.0.0.1:" + node.app().port()).get("/verify-email?token=" + token + "x");
        assertThat(forged.status()).isEqualTo(400);
        assertThat(forged.body()).contains("Link not valid");
    }

    @Test
    void aVerifiedAuthorHearsOfFollowersAndCommentsOthersWrite() throws Exception {
        var author = verifiedUser("author");
        var reader = api.register("follower");
        assertThat(api.post("/profiles/" + author.username() + "/follow", null, reader.token()).status())
                .isEqualTo(200);
        var followed = only(author.email());
        assertThat(followed.getSubject()).isEqualTo(reader.username() + " followed you on Conduit");
        assertThat(text(followed)).contains(SITE + "/profile/" + reader.username());
        assertThat(followed.getHeader("List-Unsubscribe")[0]).startsWith("<" + SITE + "/api/email/unsubscribe?token=");
        assertThat(followed.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");

        // following again, and one's own comment, tell nothing
        api.post("/profiles/" + author.username() + "/follow", null, reader.token());
        String slug = api.createArticle(author, Api.unique("Noticed"), List.of());
        api.comment(author, slug, "My own");
        api.comment(reader, slug, "A reader's thoughts");
        var commented = only(author.email());
        assertThat(commented.getSubject()).isEqualTo(reader.username() + " commented on your article");
        assertThat(text(commented)).contains(SITE + "/article/" + slug + "#comments").contains("A reader's thoughts");
    }

    @Test
    void anUnverifiedAddressGetsNoNotices() throws Exception {
        var author = api.register("unverified");
        var reader = api.register("reader");
        api.post("/profiles/" + author.username() + "/follow", null, reader.token());
        api.comment(reader, api.createArticle(author, Api.unique("Quiet"), List.of()), "Hello");
        Thread.sleep(1000);
        assertThat(received(author.email())).as("the verification link only").hasSize(1);
    }

    @Test
    void oneClickUnsubscribesFromOneKindOfNotice() throws Exception {
        var author = verifiedUser("unsubscribed");
        api.post("/profiles/" + author.username() + "/follow", null, api.register("first").token());
        var notice = only(author.email());
        String oneClick = notice.getHeader("List-Unsubscribe")[0].replaceAll("^<|>$", "");
        // what a mail client's button does (RFC 8058)
        var clicked = api.raw("POST", oneClick.substring((SITE + "/api").length()), "List-Unsubscribe=One-Click",
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(clicked.status()).isEqualTo(204);
        var settings = api.get("/user", author.token()).at("/user/notifications");
        assertThat(settings.get("followers").asBoolean()).isFalse();
        assertThat(settings.get("comments").asBoolean()).isTrue();

        api.post("/profiles/" + author.username() + "/follow", null, api.register("second").token());
        api.comment(api.register("commenter"), api.createArticle(author, Api.unique("Still"), List.of()), "Hi");
        var commented = await(author.email(), 1).getFirst();
        assertThat(commented.getSubject()).endsWith("commented on your article");
        Thread.sleep(500);
        assertThat(received(author.email())).as("no mail of the second follower").hasSize(1);

        // the link in the text: a page with a button (scanners that open links unsubscribe nobody)
        var site = new Api("http://127.0.0.1:" + node.app().port());
        String stop = link(commented, STOP_LINK);
        var page = site.get("/unsubscribe?token=" + stop);
        assertThat(page.body()).contains("Stop these emails?");
        assertThat(api.get("/user", author.token()).at("/user/notifications/comments").asBoolean()).isTrue();
        var done = site.raw("POST", "/unsubscribe?token=" + stop, "", Map.of());
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body()).contains("no more emails about new comments");
        assertThat(api.get("/user", author.token()).at("/user/notifications/comments").asBoolean()).isFalse();
        api.post("/email/unsubscribe?token=forged", null, null).assertError(422, "token", "is not valid");
    }

    @Test
    void noticesAreTurnedOnAndOffInTheSettings() throws Exception {
        var author = verifiedUser("settings");
        var off = api.put("/user", wrap("user", "notifications", Map.of("comments", false)), author.token());
        assertThat(off.status()).isEqualTo(200);
        assertThat(off.at("/user/notifications/comments").asBoolean()).isFalse();
        assertThat(off.at("/user/notifications/followers").asBoolean()).as("left as it was").isTrue();
        String slug = api.createArticle(author, Api.unique("No comments"), List.of());
        api.comment(api.register("ignored"), slug, "Unheard");
        Thread.sleep(700);
        assertThat(received(author.email())).isEmpty();

        api.put("/user", wrap("user", "notifications", Map.of("comments", true)), author.token());
        api.comment(api.register("heard"), slug, "Heard");
        assertThat(only(author.email()).getSubject()).endsWith("commented on your article");

        api.put("/user", wrap("user", "notifications", "all"), author.token())
                .assertError(422, "notifications", "must be an object");
        api.put("/user", wrap("user", "notifications", Map.of("followers", "no")), author.token())
                .assertError(422, "followers", "must be true or false");
    }

    @Test
    void theSiteSettingsTellWhetherTheAddressIsVerifiedSendTheLinkAgainAndTurnNoticesOff() throws Exception {
        var user = api.register("site");
        only(user.email());
        var site = new Visitor("http://127.0.0.1:" + node.app().port());
        assertThat(site.submit("/login", "/login", Map.of("email", user.email(), "password", user.password()))
                .status()).isEqualTo(303);
        var unverified = site.get("/settings").html();
        assertThat(unverified.select("form[action=/settings/verification]").text()).contains("not verified yet");
        assertThat(unverified.select("input[name=notify-followers]").hasAttr("checked")).isTrue();
        assertThat(unverified.select("input[name=notify-comments]").hasAttr("checked")).isTrue();

        var sent = site.submit("/settings", "/settings/verification", Map.of());
        assertThat(sent.status()).isEqualTo(303);
        assertThat(sent.location()).isEqualTo("/settings?verification=sent");
        assertThat(site.get(sent.location()).html().select("[role=status]").text())
                .isEqualTo("A new link is on its way to " + user.email() + ".");
        String token = link(only(user.email()), VERIFY_LINK);
        assertThat(site.get("/verify-email?token=" + token).status()).isEqualTo(200);
        assertThat(site.get("/settings").html().select("form[action=/settings/verification]")).isEmpty();
        // verified meanwhile (another tab): no mail, back to the settings
        assertThat(site.submit("/settings", "/settings/verification", Map.of()).location()).isEqualTo("/settings");

        // a box left unticked is not sent: comments off
        var fields = Map.of("username", user.username(), "email", user.email(), "bio", "", "image", "",
                "notices", "shown", "notify-followers", "on");
        assertThat(site.submit("/settings", "/settings", fields).status()).isEqualTo(303);
        var notices = api.get("/user", user.token()).at("/user/notifications");
        assertThat(notices.get("followers").asBoolean()).isTrue();
        assertThat(notices.get("comments").asBoolean()).isFalse();
        var settings = site.get("/settings").html();
        assertThat(settings.select("input[name=notify-followers]").hasAttr("checked")).isTrue();
        assertThat(settings.select("input[name=notify-comments]").hasAttr("checked")).isFalse();

        // a refused form comes back with the boxes as they were sent, and changes nothing
        var refused = site.submit("/settings", "/settings", Map.of("username", user.username(), "email",
                "not an address", "notices", "shown", "notify-comments", "on"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.html().select("input[name=notify-followers]").hasAttr("checked")).isFalse();
        assertThat(refused.html().select("input[name=notify-comments]").hasAttr("checked")).isTrue();
        assertThat(api.get("/user", user.token()).at("/user/notifications")).isEqualTo(notices);
        // a form without the boxes leaves the notices as they are
        assertThat(site.submit("/settings", "/settings", Map.of("username", user.username(), "email", user.email(),
                "bio", "Still quiet")).status()).isEqualTo(303);
        assertThat(api.get("/user", user.token()).at("/user/notifications")).isEqualTo(notices);
        Thread.sleep(300);
        assertThat(received(user.email())).as("no link sent to a verified address").isEmpty();
    }

    @Test
    void anAccountGetsAtMostTheDailyCap() throws Exception {
        // the verification link was the first of the day's mails
        var author = verifiedUser("capped");
        for (int i = 0; i < CAP + 2; i++) {
            api.post("/profiles/" + author.username() + "/follow", null, api.register("fan").token());
        }
        await(author.email(), CAP - 1);
        Thread.sleep(700);
        assertThat(received(author.email())).hasSize(CAP - 1);
    }

    @Test
    void withoutSmtpUrlEmailIsOff() {
        var shared = TestServer.api();
        var user = shared.register("no_mail");
        assertThat(shared.get("/user", user.token()).at("/user/emailVerified").asBoolean()).isFalse();
        shared.post("/user/email/verification", null, user.token()).assertError(404, "email", "not found");
        shared.post("/email/verification", wrap("verification", "token", "x"), null)
                .assertError(404, "email", "not found");
        long queued = TestServer.database().withHandle(h -> h.createQuery(
                        "select count(*) from jobs where kind = 'email.send' and payload ->> 'email' = :email")
                .bind("email", user.email()).mapTo(Long.class).one());
        assertThat(queued).isZero();

        var site = new Visitor(TestServer.url()).signUp(Api.unique("no_mail_site"));
        var settings = site.get("/settings").html();
        assertThat(settings.select("input[name=notices], form[action=/settings/verification]")).isEmpty();
        assertThat(site.submit("/settings", "/settings/verification", Map.of()).status()).isEqualTo(404);
    }

    /** A new account whose address is verified; its verification mail is consumed. */
    private static Api.User verifiedUser(String prefix) throws Exception {
        var user = api.register(prefix);
        String token = link(only(user.email()), VERIFY_LINK);
        assertThat(api.post("/email/verification", wrap("verification", "token", token), null).status())
                .isEqualTo(204);
        smtpForget(user.email());
        return user;
    }

    /** The one mail to {@code address}, once it came; it is then forgotten, so the next call waits for the next. */
    private static MimeMessage only(String address) throws Exception {
        var mails = await(address, 1);
        assertThat(mails).hasSize(1);
        smtpForget(address);
        return mails.getFirst();
    }

    /** The mails to {@code address} not forgotten yet, once there are {@code count}. */
    private static List<MimeMessage> await(String address, int count) {
        return Waits.upTo(Duration.ofSeconds(20)).alias(count + " mails to " + address)
                .until(() -> received(address), mails -> mails.size() >= count);
    }

    /** The mails to {@code address} not forgotten yet, in the order they came. */
    private static List<MimeMessage> received(String address) {
        return Arrays.stream(smtp.getReceivedMessages()).filter(m -> to(m).equalsIgnoreCase(address))
                .filter(m -> !FORGOTTEN.contains(id(m))).toList();
    }

    private static void smtpForget(String address) {
        received(address).forEach(m -> FORGOTTEN.add(id(m)));
    }

    private static String id(MimeMessage mail) {
        try {
            return mail.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String to(MimeMessage mail) {
        try {
            return mail.getRecipients(RecipientType.TO)[0].toString();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(MimeMessage mail) throws IOException, MessagingException {
        return mail.getContent().toString();
    }

    private static String link(MimeMessage mail, Pattern pattern) throws IOException, MessagingException {
        var found = pattern.matcher(text(mail));
        assertThat(found.find()).as(text(mail)).isTrue();
        return URLDecoder.decode(found.group(1), StandardCharsets.UTF_8);
    }

}
