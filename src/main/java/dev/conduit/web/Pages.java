package dev.conduit.web;

import gg.jte.Content;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.Utf8ByteOutput;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The pages' models, one record per page, and their rendering (the templates in src/main/jte, compiled). */
public final class Pages {
    public static final int PAGE_SIZE = 10;
    /** Field names the API's messages use that read better otherwise on a page. */
    private static final Map<String, String> LABELS = Map.of("credentials", "email or password", "tagList", "tags");

    private Pages() {
    }

    /** What every page shares: its title, who is signed in (null: nobody), the form token, the active nav link. */
    public record Layout(String title, Views.Author viewer, String csrf, String nav, Assets assets,
                         OpenGraph openGraph) {
    }

    /** An article page's card for other sites (OpenGraph). */
    public record OpenGraph(String title, String description, String url) {
    }

    /** A form's problems, by field, as the logic reported them. */
    public record Errors(Map<String, List<String>> byField) {
        public static final Errors NONE = new Errors(Map.of());

        /** The messages about {@code field}, shown under it. */
        public List<String> of(String field) {
            return byField.getOrDefault(field, List.of()).stream().map(message -> label(field) + " " + message)
                    .toList();
        }

        /** The messages about anything but the form's {@code fields}, shown above the form. */
        public List<String> general(String... fields) {
            var shown = Arrays.asList(fields);
            var messages = new ArrayList<String>();
            byField.forEach((field, list) -> {
                if (!shown.contains(field)) {
                    list.forEach(message -> messages.add(label(field) + " " + message));
                }
            });
            return messages;
        }

        private static String label(String field) {
            return LABELS.getOrDefault(field, field);
        }
    }

    /** A link of the pagination; {@code href} null: a gap (…) between page numbers. */
    public record PageLink(String label, String href, boolean current) {
    }

    public record Pagination(List<PageLink> links) {
        /** Pages around the current one shown on each side, beside the first and the last. */
        private static final int AROUND = 2;

        /**
         * Links to the pages of {@code count} items at {@code base} ({@code ?page=N} added to it): previous, the
         * first, those around {@code current}, the last, next; gaps between them. None when all fit on one page.
         */
        static Pagination of(long count, int current, String base) {
            int pages = (int) Math.min((count + PAGE_SIZE - 1) / PAGE_SIZE, Site.MAX_PAGE);
            var links = new ArrayList<PageLink>();
            if (pages <= 1) {
                return new Pagination(links);
            }
            current = Math.min(current, pages); // past the end (an empty page): links back into the list
            if (current > 1) {
                links.add(new PageLink("Previous", withPage(base, current - 1), false));
            }
            int from = Math.max(1, current - AROUND);
            int to = Math.min(pages, current + AROUND);
            if (from > 1) {
                links.add(new PageLink("1", withPage(base, 1), false));
                if (from > 2) {
                    links.add(new PageLink("…", null, false));
                }
            }
            for (int page = from; page <= to; page++) {
                links.add(new PageLink(Integer.toString(page), withPage(base, page), page == current));
            }
            if (to < pages) {
                if (to < pages - 1) {
                    links.add(new PageLink("…", null, false));
                }
                links.add(new PageLink(Integer.toString(pages), withPage(base, pages), false));
            }
            if (current < pages) {
                links.add(new PageLink("Next", withPage(base, current + 1), false));
            }
            return new Pagination(links);
        }
    }

    public record Home(Layout layout, String tab, String tag, String query, List<Views.Article> articles,
                       Pagination pagination,
                       List<String> tags, String self) {
    }

    public record SignIn(Layout layout, boolean register, Errors errors, String username, String email) {
    }

    /** {@code mail}: null while email is off (no {@code SMTP_URL}). */
    public record Settings(Layout layout, Errors errors, String image, String username, String bio, String email,
                           MailSettings mail) {
    }

    /**
     * The settings' part about email: whether the address is verified, whether a new link was just sent, and which
     * notices the account wants (as stored, or as the form sent them).
     */
    public record MailSettings(boolean verified, boolean linkSent, boolean followers, boolean comments) {
    }

    /** {@code slug}: null for a new article. {@code tags}: as typed, comma-separated. */
    public record Editor(Layout layout, String slug, Errors errors, String title, String description, String body,
                         String tags) {
    }

    public record ArticlePage(Layout layout, Views.Article article, Content bodyHtml, boolean mine,
                              List<Views.Comment> comments, Errors errors, String commentDraft) {
        public String self() {
            return "/article/" + article.slug();
        }
    }

    public record ProfilePage(Layout layout, Views.Author profile, boolean mine, boolean favorites,
                              List<Views.Article> articles, Pagination pagination, String self) {
    }

    public record ErrorPage(Layout layout, String heading, String message) {
    }

    /** A page that says what happened; with an {@code action}, a form posting there by its {@code button}. */
    public record MessagePage(Layout layout, String heading, String message, String action, String button) {
    }

    /** The latest articles, for feed readers; {@code siteUrl}: where links point ({@code https://host}). */
    public record Atom(String siteUrl, List<Views.Article> articles) {
        /** When the feed last changed: its newest article's last update (the epoch when there is none). */
        public String updated() {
            return articles.stream().map(Views.Article::updatedAt).max(String::compareTo)
                    .orElse("1970-01-01T00:00:00.000Z");
        }
    }

    static Utf8ByteOutput render(Home page) {
        return render(out -> JtehomeGenerated.render(out, null, page));
    }

    static Utf8ByteOutput render(SignIn page) {
        return render(out -> JteauthGenerated.render(out, null, page));
    }

    static Utf8ByteOutput render(Settings page) {
        return render(out -> JtesettingsGenerated.render(out, null, page));
    }

    static Utf8ByteOutput render(Editor page) {
        return render(out -> JteeditorGenerated.render(out, null, page));
    }

    static Utf8ByteOutput render(ArticlePage page) {
        return render(out -> JtearticleGenerated.render(out, null, page));
    }

    static Utf8ByteOutput render(ProfilePage page) {
        return render(out -> JteprofileGenerated.render(out, null, page));
    }

    static Utf8ByteOutput render(ErrorPage page) {
        return render(out -> JteerrorGenerated.render(out, null, page));
    }

    static Utf8ByteOutput render(MessagePage page) {
        return render(out -> JtemessageGenerated.render(out, null, page));
    }

    static Utf8ByteOutput render(Atom feed) {
        return render(out -> JteatomGenerated.render(out, null, feed));
    }

    /** The home page's link for the search {@code query}. */
    public static String searchLink(String query) {
        return "/?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
    }

    /** The home page's link for {@code tag}. */
    public static String tagLink(String tag) {
        return "/?tag=" + URLEncoder.encode(tag, StandardCharsets.UTF_8);
    }

    static String withPage(String base, int page) {
        if (page == 1) {
            return base;
        }
        return base + (base.contains("?") ? "&" : "?") + "page=" + page;
    }

    /**
     * The page, in the pieces jte renders it to (its static parts and an article's markdown are the arrays they
     * already are), to be written out once into the answer's buffer ({@code writeTo}), not joined into an array.
     */
    private static Utf8ByteOutput render(Consumer<OwaspHtmlTemplateOutput> template) {
        var rendered = new Utf8ByteOutput();
        template.accept(new OwaspHtmlTemplateOutput(rendered));
        return rendered;
    }
}
