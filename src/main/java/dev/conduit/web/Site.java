package dev.conduit.web;

import dev.conduit.articles.ArticleFilter;
import dev.conduit.articles.Articles;
import dev.conduit.comments.Comments;
import dev.conduit.platform.cache.ChangeFeed;
import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.domain.Paging;
import dev.conduit.profiles.Profiles;
import dev.conduit.users.Notices;
import dev.conduit.users.UserView;
import dev.conduit.users.Users;
import dev.conduit.web.Pages.Errors;
import dev.conduit.web.Pages.Layout;
import dev.conduit.web.Visitors.Visit;
import gg.jte.output.Utf8ByteOutput;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The pages, built from the same logic the API calls (no second path to the data) and rendered to HTML: each
 * method reads what its page shows, as the visitor may see it, and renders it (into pieces: {@link Pages#render}).
 */
public final class Site {
    /** The popular tags the home page lists. */
    private static final int TAGS_SHOWN = 20;
    /** Paging stops here, as the API's offsets do. */
    static final int MAX_PAGE = 100_000;

    private final Users users;
    private final Profiles profiles;
    private final Articles articles;
    private final Comments comments;
    private final Markdown markdown;
    private final Assets assets;
    private final Views views;
    private final SharedPages sharedPages;
    /** Whether email is on: then the settings show whether the address is verified, and the notices. */
    private final boolean mail;

    public Site(Users users, Profiles profiles, Articles articles, Comments comments, Views views, Assets assets,
                ChangeFeed feed, boolean mail, long markdownCacheBytes, long articlePagesBytes, long listPagesBytes) {
        this.mail = mail;
        this.views = views;
        this.users = users;
        this.profiles = profiles;
        this.articles = articles;
        this.comments = comments;
        this.assets = assets;
        this.markdown = new Markdown(markdownCacheBytes);
        this.sharedPages = new SharedPages(feed, articlePagesBytes, listPagesBytes);
    }

    /** Article {@code slug}'s page for anonymous visitors of {@code origin}, as kept, or rendered by {@code render}. */
    byte[] keptArticle(String slug, String origin, Supplier<byte[]> render) {
        return sharedPages.article(articles.idOf(slug), origin, render);
    }

    /** A list page for anonymous visitors, as kept for {@code key}, or rendered by {@code render} now. */
    byte[] keptList(String key, Supplier<byte[]> render) {
        return sharedPages.list(key, render);
    }

    public Assets assets() {
        return assets;
    }

    /** The slug of an article the logic just wrote. */
    String slugOf(dev.conduit.articles.Article article) {
        return views.article(article).slug();
    }

    /**
     * {@code tab}: "feed" (the signed-in visitor's), "tag" (with {@code tag}), "search" (for {@code query}) or
     * "global".
     */
    Utf8ByteOutput home(Visit visit, String tab, String tag, String query, int page) {
        var paging = paging(page);
        var any = new ArticleFilter(Optional.empty(), Optional.empty(), Optional.empty());
        var found = switch (tab) {
            case "feed" -> articles.feed(visit.userId(), paging);
            case "tag" -> articles.list(new ArticleFilter(Optional.of(tag), Optional.empty(), Optional.empty()),
                    paging, visit.userId());
            case "search" -> articles.search(query, any, paging, visit.userId());
            default -> articles.list(any, paging, visit.userId());
        };
        String base = switch (tab) {
            case "feed" -> "/?feed=yours";
            case "tag" -> Pages.tagLink(tag);
            case "search" -> Pages.searchLink(query);
            default -> "/";
        };
        var tags = articles.tags();
        return Pages.render(new Pages.Home(layout(visit, "Home — Conduit", "home"), tab, tag, query,
                views.articles(found.articles()), Pages.Pagination.of(found.articlesCount(), page, base),
                tags.subList(0, Math.min(TAGS_SHOWN, tags.size())), Pages.withPage(base, page)));
    }

    Utf8ByteOutput signIn(Visit visit, boolean register, Errors errors, String username, String email) {
        return Pages.render(new Pages.SignIn(layout(visit, register ? "Sign up — Conduit" : "Sign in — Conduit",
                register ? "register" : "login"), register, errors, username, email));
    }

    /** The settings form as stored now; {@code linkSent}: a new verification link was just sent. */
    Utf8ByteOutput settings(Visit visit, boolean linkSent) {
        var user = users.current(visit.userId(), "");
        return settings(visit, Errors.NONE, user.image(), user.username(), user.bio(), user.email(),
                mail ? mailPart(user, user.notifications(), linkSent) : null);
    }

    /** The settings form as sent ({@code notices}: null when it had none: as stored), with its problems. */
    Utf8ByteOutput settings(Visit visit, Errors errors, String image, String username, String bio, String email,
                            Notices notices) {
        Pages.MailSettings part = null;
        if (mail) {
            var stored = users.current(visit.userId(), "");
            part = mailPart(stored, notices != null ? notices : stored.notifications(), false);
        }
        return settings(visit, errors, image, username, bio, email, part);
    }

    private static Pages.MailSettings mailPart(UserView stored, Notices shown, boolean linkSent) {
        return new Pages.MailSettings(stored.emailVerified(), linkSent, shown.followers(), shown.comments());
    }

    private Utf8ByteOutput settings(Visit visit, Errors errors, String image, String username, String bio,
                                    String email, Pages.MailSettings part) {
        return Pages.render(new Pages.Settings(layout(visit, "Settings — Conduit", "settings"), errors, image,
                username, bio, email, part));
    }

    /** The editor for article {@code slug} as stored (null: a new, empty one); only its author may edit it. */
    Utf8ByteOutput editor(Visit visit, String slug) {
        if (slug == null) {
            return editor(visit, null, Errors.NONE, "", "", "", "");
        }
        var stored = articles.get(slug, visit.userId());
        var article = views.article(stored);
        if (!article.author().username().equals(visit.viewer().username())) {
            throw new Failure.Forbidden("article");
        }
        return editor(visit, slug, Errors.NONE, article.title(), article.description(), Views.body(stored),
                String.join(", ", article.tagList()));
    }

    /** The editor as sent, with its problems. */
    Utf8ByteOutput editor(Visit visit, String slug, Errors errors, String title, String description, String body,
                  String tags) {
        return Pages.render(new Pages.Editor(layout(visit, slug == null ? "New article — Conduit"
                : "Edit article — Conduit", "editor"), slug, errors, title, description, body, tags));
    }

    /** Article {@code slug}, its comments, and the comment form (as sent, with its problems). */
    Utf8ByteOutput article(Visit visit, String slug, Errors errors, String commentDraft, String siteUrl) {
        var stored = articles.get(slug, visit.userId());
        var article = views.article(stored);
        var discussion = views.comments(comments.list(slug, visit.userId()));
        boolean mine = visit.signedIn() && article.author().username().equals(visit.viewer().username());
        var openGraph = new Pages.OpenGraph(article.title(), article.description(),
                siteUrl + "/article/" + article.slug());
        var layout = new Layout(article.title() + " — Conduit", visit.viewer(), visit.csrf(), "article", assets,
                openGraph);
        return Pages.render(new Pages.ArticlePage(layout, article,
                markdown.html(article.slug(), article.updatedAt(), () -> Views.body(stored)), mine, discussion, errors,
                commentDraft));
    }

    /** {@code username}'s articles, or ({@code favorites}) those they favorited. */
    Utf8ByteOutput profile(Visit visit, String username, boolean favorites, int page) {
        var profile = views.author(profiles.get(username, visit.userId()));
        var filter = favorites
                ? new ArticleFilter(Optional.empty(), Optional.empty(), Optional.of(profile.username()))
                : new ArticleFilter(Optional.empty(), Optional.of(profile.username()), Optional.empty());
        var found = articles.list(filter, paging(page), visit.userId());
        boolean mine = visit.signedIn() && profile.username().equals(visit.viewer().username());
        String base = "/profile/" + profile.username() + (favorites ? "/favorites" : "");
        return Pages.render(new Pages.ProfilePage(layout(visit, profile.username() + " — Conduit",
                mine ? "profile" : ""), profile, mine, favorites, views.articles(found.articles()),
                Pages.Pagination.of(found.articlesCount(), page, base), Pages.withPage(base, page)));
    }

    /** An error page: {@code heading} (the status's name) and what went wrong. */
    Utf8ByteOutput error(Visit visit, String heading, String message) {
        return Pages.render(new Pages.ErrorPage(layout(visit, heading + " — Conduit", ""), heading, message));
    }

    Utf8ByteOutput message(Visit visit, String heading, String message, String action, String button) {
        return Pages.render(new Pages.MessagePage(layout(visit, heading + " — Conduit", ""), heading, message, action,
                button));
    }

    /** The latest articles as an Atom feed; links start with {@code siteUrl}. */
    Utf8ByteOutput atom(String siteUrl) {
        var latest = articles.list(new ArticleFilter(Optional.empty(), Optional.empty(), Optional.empty()),
                new Paging(20, 0), null);
        return Pages.render(new Pages.Atom(siteUrl, views.articles(latest.articles())));
    }

    private Layout layout(Visit visit, String title, String nav) {
        return new Layout(title, visit.viewer(), visit.csrf(), nav, assets, null);
    }

    private static Paging paging(int page) {
        return new Paging(Pages.PAGE_SIZE, (page - 1) * Pages.PAGE_SIZE);
    }

    public List<dev.conduit.platform.cache.Cached<?, ?>> caches() {
        return Stream.of(markdown.caches(), sharedPages.caches()).flatMap(List::stream).toList();
    }
}
