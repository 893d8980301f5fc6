package dev.conduit.web;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.http.ClientAddresses;
import dev.conduit.platform.http.ErrorPages;
import dev.conduit.platform.http.Html;
import dev.conduit.platform.http.Params;
import dev.conduit.web.Pages.Errors;
import dev.conduit.web.Visitors.Visit;
import gg.jte.output.Utf8ByteOutput;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The site's pages ({@code GET}), its static files and feed, and who is looking at them (from their cookies);
 * errors on any of the site's paths are pages too ({@link ErrorPages}). The JSON API lives under {@code /api} and
 * never reads the site's cookies.
 */
public final class PageRoutes implements ErrorPages {
    /** An anonymous visitor's form cookie lives a day: long enough to fill a form in, and renewed on each form. */
    private static final Duration VISITOR_COOKIE_AGE = Duration.ofDays(1);
    /** A host name or address, and a port: anything else in {@code Host} is not used in a link. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}\\](:[0-9]{1,5})?");

    private final Site site;
    private final Visitors visitors;
    private final ClientAddresses addresses;
    /** SITE_URL: where the public reaches the site; empty: as each request says ({@code Host}). */
    private final Optional<String> siteUrl;

    public PageRoutes(Site site, Visitors visitors, ClientAddresses addresses, Optional<String> siteUrl) {
        this.site = site;
        this.visitors = visitors;
        this.addresses = addresses;
        this.siteUrl = siteUrl;
    }

    void home(ServerRequest req, ServerResponse res) {
        var visit = visit(req, res);
        Optional<String> query = Params.query(req, "q");
        Optional<String> tag = Params.query(req, "tag");
        boolean feed = visit.signedIn() && tag.isEmpty() && Params.query(req, "feed").isPresent();
        String tab = query.isPresent() ? "search" : tag.isPresent() ? "tag" : feed ? "feed" : "global";
        sendPage(req, res, visit, () -> site.home(visit, tab, tag.orElse(null), query.orElse(null), page(req)),
                render -> site.keptList(listKey(req), render));
    }

    void login(ServerRequest req, ServerResponse res) {
        signInPage(req, res, false);
    }

    void register(ServerRequest req, ServerResponse res) {
        signInPage(req, res, true);
    }

    private void signInPage(ServerRequest req, ServerResponse res, boolean register) {
        if (visit(req, res).signedIn()) {
            Html.redirect(res, "/");
            return;
        }
        var visit = anonymousVisit(req, res);
        send(req, res, visit, Status.OK_200, site.signIn(visit, register, Errors.NONE, "", ""));
    }

    void settings(ServerRequest req, ServerResponse res) {
        var visit = visit(req, res);
        if (!visit.signedIn()) {
            Html.redirect(res, "/login");
            return;
        }
        send(req, res, visit, Status.OK_200,
                site.settings(visit, Params.query(req, "verification").filter("sent"::equals).isPresent()));
    }

    void newArticle(ServerRequest req, ServerResponse res) {
        editor(req, res, null);
    }

    void editArticle(ServerRequest req, ServerResponse res) {
        editor(req, res, Params.path(req, "slug"));
    }

    private void editor(ServerRequest req, ServerResponse res, String slug) {
        var visit = visit(req, res);
        if (!visit.signedIn()) {
            Html.redirect(res, "/login");
            return;
        }
        send(req, res, visit, Status.OK_200, site.editor(visit, slug));
    }

    void article(ServerRequest req, ServerResponse res) {
        var visit = visit(req, res);
        String slug = Params.path(req, "slug");
        String origin = siteUrl(req);
        sendPage(req, res, visit, () -> site.article(visit, slug, Errors.NONE, "", origin),
                render -> site.keptArticle(slug, origin, render));
    }

    void profile(ServerRequest req, ServerResponse res, boolean favorites) {
        var visit = visit(req, res);
        sendPage(req, res, visit, () -> site.profile(visit, Params.path(req, "username"), favorites, page(req)),
                render -> site.keptList(listKey(req), render));
    }

    void atom(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/atom+xml; charset=utf-8")
                .header(HeaderNames.CACHE_CONTROL, "public, max-age=60")
                .send(site.atom(siteUrl(req)).toByteArray());
    }

    void asset(ServerRequest req, ServerResponse res) {
        String name = req.path().path().substring(Assets.PREFIX.length());
        var asset = site.assets().find(name).orElseThrow(() -> new Failure.NotFound("file"));
        Html.immutable(req, res, asset.type(), asset.bytes(), asset.gzipped());
    }

    @Override
    public boolean serves(String path) {
        // empty: Helidon answered before it read the request line (too many requests at once, a line too long)
        return path.startsWith("/") && !path.startsWith("/api/") && !path.equals("/api") && !path.startsWith("/health")
                && !path.startsWith("/docs");
    }

    @Override
    public byte[] page(ServerRequest req, Status status, Map<String, List<String>> errors) {
        // a server's error may be the database's: its page does not wait for it to say who is signed in
        Visit visit = Visit.ANONYMOUS;
        if (status.code() < 500) {
            try {
                visit = sessionVisit(req);
            } catch (RuntimeException e) {
                // the page answers as to anyone
            }
        }
        return errorPage(visit, status, errors);
    }

    @Override
    public byte[] pageForAnyone(Status status, Map<String, List<String>> errors) {
        return errorPage(Visit.ANONYMOUS, status, errors);
    }

    private byte[] errorPage(Visit visit, Status status, Map<String, List<String>> errors) {
        return site.error(visit, status.code() + " " + status.reasonPhrase(), ErrorMessages.of(status.code(), errors))
                .toByteArray();
    }

    /**
     * The visit of the browser that sent {@code req}, from its session cookie; a cookie whose session is over (signed
     * out elsewhere, expired, its account deleted) is removed, so the browser stops sending it.
     */
    Visit visit(ServerRequest req, ServerResponse res) {
        var visit = sessionVisit(req);
        if (!visit.signedIn() && Html.cookie(req, Visitors.SESSION_COOKIE).isPresent()) {
            Html.setCookie(res, Visitors.SESSION_COOKIE, "", Duration.ZERO, addresses.overTls(req));
        }
        return visit;
    }

    /** The visit of the browser that sent {@code req}, from its session cookie, which is left as it is. */
    private Visit sessionVisit(ServerRequest req) {
        return visitors.of(Html.cookie(req, Visitors.SESSION_COOKIE).orElse(null));
    }

    /** An anonymous visit whose forms are bound to the visitor's cookie, set (or renewed) on this answer. */
    Visit anonymousVisit(ServerRequest req, ServerResponse res) {
        String visitor = Html.cookie(req, Visitors.VISITOR_COOKIE).filter(v -> v.length() == 24)
                .orElseGet(Visitors::newVisitor);
        Html.setCookie(res, Visitors.VISITOR_COOKIE, visitor, VISITOR_COOKIE_AGE, addresses.overTls(req));
        return visitors.anonymous(visitor);
    }

    /** A page: shared caches and entity tags only where it is the same for every anonymous visitor. */
    static void send(ServerRequest req, ServerResponse res, Visit visit, Status status, Utf8ByteOutput html) {
        Html.page(req, res, status, html::writeTo, shared(visit));
    }

    /**
     * A page that reads the site's content: as {@code kept} (given how to render it) when it is the same for every
     * anonymous visitor; rendered anew otherwise.
     */
    private void sendPage(ServerRequest req, ServerResponse res, Visit visit, Supplier<Utf8ByteOutput> page,
                          Function<Supplier<byte[]>, byte[]> kept) {
        if (!shared(visit)) {
            send(req, res, visit, Status.OK_200, page.get());
            return;
        }
        Html.page(req, res, Status.OK_200, kept.apply(() -> page.get().toByteArray()), true);
    }

    /** A list page's key among those kept: this site's origin (its links name it), path and query. */
    private String listKey(ServerRequest req) {
        return siteUrl(req) + req.path().rawPath() + "?" + req.query().rawValue();
    }

    private static boolean shared(Visit visit) {
        return !visit.signedIn() && visit.csrf() == null;
    }

    /** Where this site is (SITE_URL, or as the browser reached it): for links that leave the page (feed, OpenGraph). */
    String siteUrl(ServerRequest req) {
        if (siteUrl.isPresent()) {
            return siteUrl.get();
        }
        String host = req.headers().first(HeaderNames.HOST).filter(h -> HOST.matcher(h).matches()).orElse("localhost");
        return (addresses.overTls(req) ? "https://" : "http://") + host;
    }

    /** The list page asked for ({@code ?page=N}); anything else is the first. */
    private static int page(ServerRequest req) {
        try {
            int page = Integer.parseInt(Params.query(req, "page").orElse("1"));
            return page >= 1 && page <= Site.MAX_PAGE ? page : 1;
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
