package dev.conduit.web;

import dev.conduit.articles.ArticleDraft;
import dev.conduit.articles.Articles;
import dev.conduit.comments.Comments;
import dev.conduit.mail.Mail;
import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.http.ClientAddresses;
import dev.conduit.platform.http.ErrorResponses;
import dev.conduit.platform.http.Html;
import dev.conduit.platform.http.Params;
import dev.conduit.platform.http.RateLimits;
import dev.conduit.profiles.Profiles;
import dev.conduit.users.Notices;
import dev.conduit.users.UserChanges;
import dev.conduit.users.Users;
import dev.conduit.web.Pages.Errors;
import dev.conduit.web.Visitors.Visit;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * The site's forms ({@code POST}): each checks its token (bound to the browser's session or visitor cookie), takes
 * its rate limits as the API's writes do, calls the same logic, and redirects to the page that shows the result
 * (303). A form the logic refuses comes back with what was typed and each problem next to its field.
 */
public final class FormRoutes {
    /** A path of this site: one slash, then no slash or backslash, then visible ASCII. */
    private static final Pattern BACK = Pattern.compile("/(?![/\\\\])[\\x21-\\x7E]*");
    private final Users users;
    private final Profiles profiles;
    private final Articles articles;
    private final Comments comments;
    private final Optional<Mail> mail;
    private final Site site;
    private final Visitors visitors;
    private final RateLimits limits;
    private final ClientAddresses addresses;
    private final Duration sessionAge;
    private final PageRoutes pages;

    public FormRoutes(PageRoutes pages, Users users, Profiles profiles, Articles articles, Comments comments,
                      Optional<Mail> mail, Site site, Visitors visitors, RateLimits limits, ClientAddresses addresses,
                      Duration sessionAge) {
        this.pages = pages;
        this.users = users;
        this.profiles = profiles;
        this.articles = articles;
        this.comments = comments;
        this.mail = mail;
        this.site = site;
        this.visitors = visitors;
        this.limits = limits;
        this.addresses = addresses;
        this.sessionAge = sessionAge;
    }

    void login(ServerRequest req, ServerResponse res) {
        limits.login(req);
        var form = anonymousForm(req, res);
        var visit = pages.anonymousVisit(req, res);
        String email = form.getOrDefault("email", "");
        try {
            startSession(req, res, users.login(email, form.getOrDefault("password", "")).token());
        } catch (Failure.Invalid | Failure.Unauthorized refused) {
            PageRoutes.send(req, res, visit, ErrorResponses.status(refused),
                    site.signIn(visit, false, new Errors(refused.errors()), "", email));
        }
    }

    void register(ServerRequest req, ServerResponse res) {
        limits.registration(req);
        var form = anonymousForm(req, res);
        var visit = pages.anonymousVisit(req, res);
        String username = form.getOrDefault("username", "");
        String email = form.getOrDefault("email", "");
        try {
            startSession(req, res, users.register(username, email, form.getOrDefault("password", "")).token());
        } catch (Failure.Invalid | Failure.Conflict refused) {
            PageRoutes.send(req, res, visit, ErrorResponses.status(refused),
                    site.signIn(visit, true, new Errors(refused.errors()), username, email));
        }
    }

    void logout(ServerRequest req, ServerResponse res) {
        signedIn(req, res, (visit, form) -> {
            visitors.sessions().close(visit.session());
            Html.setCookie(res, Visitors.SESSION_COOKIE, "", Duration.ZERO, addresses.overTls(req));
            Html.redirect(res, "/");
        });
    }

    void settings(ServerRequest req, ServerResponse res) {
        signedIn(req, res, (visit, form) -> {
            String image = form.getOrDefault("image", "");
            String username = form.getOrDefault("username", "");
            String bio = form.getOrDefault("bio", "");
            String email = form.getOrDefault("email", "");
            String password = form.getOrDefault("password", "");
            // the notices' boxes are on the form while email is on; a box left unticked is not sent at all
            var notices = form.containsKey("notices") ? new Notices(form.containsKey("notify-followers"),
                    form.containsKey("notify-comments")) : null;
            var changes = new UserChanges(username, email, password.isEmpty() ? null : password, true, bio, true,
                    image, notices);
            try {
                var user = users.update(visit.userId(), "", changes);
                if (!password.isEmpty()) {
                    // the password change ended every token of the account, this session's with them
                    setSessionCookie(req, res, visitors.sessions().renew(visit.session(), user.token()));
                }
                Html.redirect(res, "/profile/" + user.username());
            } catch (Failure.Invalid | Failure.Conflict refused) {
                PageRoutes.send(req, res, visit, ErrorResponses.status(refused),
                        site.settings(visit, new Errors(refused.errors()), image, username, bio, email, notices));
            }
        });
    }

    /** Sends a new verification link; an address verified meanwhile needs none, and the settings show it so. */
    void resendVerification(ServerRequest req, ServerResponse res) {
        signedIn(req, res, (visit, form) -> {
            var on = mail.orElseThrow(() -> new Failure.NotFound("page"));
            // an address verified meanwhile (another tab) needs no link: back to the settings, which say so
            Html.redirect(res, on.resendVerification(visit.userId()) ? "/settings?verification=sent" : "/settings");
        });
    }

    void create(ServerRequest req, ServerResponse res) {
        signedIn(req, res, (visit, form) -> saveArticle(req, res, visit, form, null));
    }

    void update(ServerRequest req, ServerResponse res) {
        signedIn(req, res, (visit, form) -> saveArticle(req, res, visit, form, Params.path(req, "slug")));
    }

    void delete(ServerRequest req, ServerResponse res) {
        signedIn(req, res, (visit, form) -> {
            articles.delete(visit.userId(), Params.path(req, "slug"));
            Html.redirect(res, "/");
        });
    }

    void favorite(ServerRequest req, ServerResponse res) {
        toggle(req, res, userId -> articles.favorite(userId, Params.path(req, "slug")));
    }

    void unfavorite(ServerRequest req, ServerResponse res) {
        toggle(req, res, userId -> articles.unfavorite(userId, Params.path(req, "slug")));
    }

    void follow(ServerRequest req, ServerResponse res) {
        toggle(req, res, userId -> profiles.follow(userId, Params.path(req, "username")));
    }

    void unfollow(ServerRequest req, ServerResponse res) {
        toggle(req, res, userId -> profiles.unfollow(userId, Params.path(req, "username")));
    }

    void comment(ServerRequest req, ServerResponse res) {
        signedIn(req, res, (visit, form) -> {
            String slug = Params.path(req, "slug");
            String body = form.getOrDefault("body", "");
            try {
                comments.add(visit.userId(), slug, body);
                Html.redirect(res, "/article/" + slug + "#comments");
            } catch (Failure.Invalid refused) {
                PageRoutes.send(req, res, visit, ErrorResponses.status(refused),
                        site.article(visit, slug, new Errors(refused.errors()), body, pages.siteUrl(req)));
            }
        });
    }

    void deleteComment(ServerRequest req, ServerResponse res) {
        signedIn(req, res, (visit, form) -> {
            String slug = Params.path(req, "slug");
            comments.delete(visit.userId(), slug, Params.pathId(req, "id"));
            Html.redirect(res, "/article/" + slug + "#comments");
        });
    }

    private void saveArticle(ServerRequest req, ServerResponse res, Visit visit, Map<String, String> form,
                             String slug) {
        String title = form.getOrDefault("title", "");
        String description = form.getOrDefault("description", "");
        String body = form.getOrDefault("body", "");
        String tags = form.getOrDefault("tags", "");
        var draft = new ArticleDraft(title, description, body, tagList(tags));
        try {
            var saved = slug == null ? articles.create(visit.userId(), draft)
                    : articles.update(visit.userId(), slug, draft);
            Html.redirect(res, "/article/" + site.slugOf(saved));
        } catch (Failure.Invalid refused) {
            PageRoutes.send(req, res, visit, ErrorResponses.status(refused),
                    site.editor(visit, slug, new Errors(refused.errors()), title, description, body, tags));
        }
    }

    /** A favorite or a follow, made or undone by the signed-in account; then back to the page it was made on. */
    private void toggle(ServerRequest req, ServerResponse res, LongConsumer change) {
        signedIn(req, res, (visit, form) -> {
            change.accept(visit.userId());
            Html.redirect(res, back(form));
        });
    }

    /** Runs {@code handler} for a signed-in browser's form with a valid token; sends anyone else to sign in. */
    private void signedIn(ServerRequest req, ServerResponse res, BiConsumer<Visit, Map<String, String>> handler) {
        var visit = pages.visit(req, res);
        if (!visit.signedIn()) {
            Html.redirect(res, "/login");
            return;
        }
        limits.write(req, visit.userId());
        var form = Html.form(req);
        if (!visitors.formAccepted(visit, form.get("csrf"))) {
            throw new Failure.Forbidden("form");
        }
        handler.accept(visit, form);
    }

    /** An anonymous visitor's form (sign in, sign up), if its token matches their cookie. */
    private Map<String, String> anonymousForm(ServerRequest req, ServerResponse res) {
        var form = Html.form(req);
        var visitor = Html.cookie(req, Visitors.VISITOR_COOKIE);
        if (visitor.isEmpty() || !visitors.formAccepted(visitors.anonymous(visitor.get()), form.get("csrf"))) {
            throw new Failure.Forbidden("form");
        }
        return form;
    }

    /** A new session for the browser; one it still held (signed in again, as someone else) is signed out. */
    private void startSession(ServerRequest req, ServerResponse res, String apiToken) {
        var sessions = visitors.sessions();
        sessions.signedIn(Html.cookie(req, Visitors.SESSION_COOKIE).orElse(null)).ifPresent(sessions::close);
        setSessionCookie(req, res, visitors.sessions().open(apiToken));
        Html.redirect(res, "/");
    }

    private void setSessionCookie(ServerRequest req, ServerResponse res, String token) {
        Html.setCookie(res, Visitors.SESSION_COOKIE, token, sessionAge, addresses.overTls(req));
    }

    /** Tags as typed in the editor: separated by commas. */
    static List<String> tagList(String typed) {
        return Arrays.stream(typed.split(",")).map(String::strip).filter(tag -> !tag.isEmpty()).toList();
    }

    /**
     * Where a form sends the browser back to: a path of this site, never another site. Visible ASCII only: browsers
     * drop tabs and line breaks from a URL, so "/\t/evil.example" would be "//evil.example" to them.
     */
    static String back(Map<String, String> form) {
        String back = form.getOrDefault("back", "/");
        return BACK.matcher(back).matches() ? back : "/";
    }
}
