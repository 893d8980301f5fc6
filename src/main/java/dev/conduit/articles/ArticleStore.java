package dev.conduit.articles;

import dev.conduit.platform.db.Refusals;
import dev.conduit.platform.domain.Failure;
import dev.conduit.profiles.Profile;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * All SQL of articles, tags and favorites. A page of articles is two statements whatever its size: the count,
 * and one select whose correlated subqueries (tags, favorited, following) run inside PostgreSQL.
 */
final class ArticleStore {
    /** What ownership checks and updates need to know of an article. */
    record Ref(long id, long authorId, String title) {
    }

    /** The filters of a list as SQL conditions on {@code a} (articles) plus their bound values. */
    private record Criteria(List<String> conditions, Map<String, Object> values) {
        String where() {
            return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
        }

        void bindTo(Query query) {
            values.forEach(query::bind);
        }
    }

    /**
     * Every article answer comes from this select; {@code %s} is {@code a.body} or {@code null} for lists. Tags
     * sort by code point ("C"), so every PostgreSQL server, whatever its locale, gives the same order.
     */
    private static final String SELECT_VIEW = """
            select a.slug, a.title, a.description, %s as body, a.created_at, a.updated_at, a.favorites_count,
                   array(select t.tag from article_tags t where t.article_id = a.id order by t.tag collate "C")
                       as tag_list,
                   exists(select 1 from favorites f where f.article_id = a.id and f.user_id = :viewer) as favorited,
                   %s
            from articles a
            join users u on u.id = a.author_id
            """;
    private static final String SELECT_ONE = SELECT_VIEW.formatted("a.body", Profile.COLUMNS);
    private static final String SELECT_LISTED = SELECT_VIEW.formatted("null::text", Profile.COLUMNS);
    private static final String NEWEST_FIRST = " order by a.created_at desc, a.id desc limit :limit offset :offset";

    /** The author's account may be deleted while they write. */
    private static final Refusals INSERT_REFUSALS = Refusals.of(Map.of(
            "articles_author_id_fkey", Failure.Unauthorized::accountGone));
    /** A racing writer took the new slug between our check and our update. */
    private static final Refusals UPDATE_REFUSALS = Refusals.of(Map.of(
            "articles_slug_key", () -> Failure.Conflict.taken("slug")));
    /** The article, or the account, may be deleted between the lookup and the insert. */
    private static final Refusals FAVORITE_REFUSALS = Refusals.of(Map.of(
            "favorites_article_id_fkey", () -> new Failure.NotFound("article"),
            "favorites_user_id_fkey", Failure.Unauthorized::accountGone));

    ArticlePage list(Handle h, ArticleFilter filter, Long viewer, int limit, int offset) {
        var conditions = new ArrayList<String>();
        var values = new LinkedHashMap<String, Object>();
        filter.tag().ifPresent(tag -> {
            conditions.add("exists(select 1 from article_tags ft where ft.article_id = a.id and ft.tag = :tag)");
            values.put("tag", tag);
        });
        filter.author().ifPresent(author -> {
            conditions.add("a.author_id = (select id from users where lower(username) = lower(:author))");
            values.put("author", author);
        });
        filter.favoritedBy().ifPresent(favoritedBy -> {
            conditions.add("""
                    a.id in (select ff.article_id from favorites ff
                             where ff.user_id = (select id from users where lower(username) = lower(:favoritedBy)))""");
            values.put("favoritedBy", favoritedBy);
        });
        return page(h, new Criteria(conditions, values), viewer, limit, offset);
    }

    /** Articles by the authors {@code viewer} follows. */
    ArticlePage feed(Handle h, long viewer, int limit, int offset) {
        var criteria = new Criteria(
                List.of("a.author_id in (select followed_id from follows where follower_id = :follower)"),
                Map.of("follower", viewer));
        return page(h, criteria, viewer, limit, offset);
    }

    private ArticlePage page(Handle h, Criteria criteria, Long viewer, int limit, int offset) {
        var count = h.createQuery("select count(*) from articles a" + criteria.where());
        criteria.bindTo(count);
        long total = count.mapTo(Long.class).one();
        if (total <= offset) {
            return new ArticlePage(List.of(), total);
        }
        var rows = h.createQuery(SELECT_LISTED + criteria.where() + NEWEST_FIRST)
                .bind("viewer", viewer)
                .bind("limit", limit)
                .bind("offset", offset);
        criteria.bindTo(rows);
        return new ArticlePage(rows.map((rs, ctx) -> article(rs)).list(), total);
    }

    Optional<Article> findBySlug(Handle h, String slug, Long viewer) {
        return findOne(h, "a.slug = :key", slug, viewer);
    }

    Optional<Article> findById(Handle h, long id, Long viewer) {
        return findOne(h, "a.id = :key", id, viewer);
    }

    private Optional<Article> findOne(Handle h, String condition, Object key, Long viewer) {
        return h.createQuery(SELECT_ONE + " where " + condition)
                .bind("key", key)
                .bind("viewer", viewer)
                .map((rs, ctx) -> article(rs))
                .findOne();
    }

    /** {@code forUpdate} locks the row until the transaction ends, so concurrent edits apply one at a time. */
    Optional<Ref> ref(Handle h, String slug, boolean forUpdate) {
        return h.createQuery("select id, author_id, title from articles where slug = :slug"
                        + (forUpdate ? " for update" : ""))
                .bind("slug", slug)
                .map((rs, ctx) -> new Ref(rs.getLong("id"), rs.getLong("author_id"), rs.getString("title")))
                .findOne();
    }

    boolean slugTaken(Handle h, String slug, long exceptId) {
        return h.createQuery("select exists(select 1 from articles where slug = :slug and id <> :exceptId)")
                .bind("slug", slug)
                .bind("exceptId", exceptId)
                .mapTo(Boolean.class)
                .one();
    }

    /** The new article's id, or empty when the slug is taken (the caller picks another). */
    Optional<Long> insert(Handle h, long authorId, String slug, ArticleDraft draft) {
        return INSERT_REFUSALS.on(() -> h.createQuery("""
                        insert into articles (slug, author_id, title, description, body)
                        values (:slug, :authorId, :title, :description, :body)
                        on conflict (slug) do nothing
                        returning id
                        """)
                .bind("slug", slug)
                .bind("authorId", authorId)
                .bind("title", draft.title())
                .bind("description", draft.description())
                .bind("body", draft.body())
                .mapTo(Long.class)
                .findOne());
    }

    /** Applies the non-null fields; {@code updated_at} moves even when only the tags change. */
    void update(Handle h, long id, String slug, ArticleDraft changes) {
        UPDATE_REFUSALS.on(() -> h.createUpdate("""
                        update articles set
                            slug        = coalesce(:slug, slug),
                            title       = coalesce(:title, title),
                            description = coalesce(:description, description),
                            body        = coalesce(:body, body),
                            updated_at  = clock_timestamp()
                        where id = :id
                        """)
                .bind("id", id)
                .bind("slug", slug)
                .bind("title", changes.title())
                .bind("description", changes.description())
                .bind("body", changes.body())
                .execute());
    }

    /** Replaces the article's tags with {@code tags}. */
    void replaceTags(Handle h, long articleId, List<String> tags) {
        h.createUpdate("delete from article_tags where article_id = :id").bind("id", articleId).execute();
        insertTags(h, articleId, tags);
    }

    void insertTags(Handle h, long articleId, List<String> tags) {
        if (tags.isEmpty()) {
            return;
        }
        h.createUpdate("insert into article_tags (article_id, tag) select :id, unnest(cast(:tags as text[]))")
                .bind("id", articleId)
                .bindArray("tags", String.class, tags)
                .execute();
    }

    void delete(Handle h, long id) {
        h.createUpdate("delete from articles where id = :id").bind("id", id).execute();
    }

    /** Idempotent; the count moves only when a favorite row was really added. */
    void favorite(Handle h, long userId, long articleId) {
        FAVORITE_REFUSALS.on(() -> h.createUpdate("""
                        with added as (
                            insert into favorites (user_id, article_id) values (:userId, :articleId)
                            on conflict do nothing
                            returning article_id)
                        update articles set favorites_count = favorites_count + 1
                        where id in (select article_id from added)
                        """)
                .bind("userId", userId)
                .bind("articleId", articleId)
                .execute());
    }

    /** Idempotent; the count moves only when a favorite row was really removed. */
    void unfavorite(Handle h, long userId, long articleId) {
        h.createUpdate("""
                        with removed as (
                            delete from favorites where user_id = :userId and article_id = :articleId
                            returning article_id)
                        update articles set favorites_count = favorites_count - 1
                        where id in (select article_id from removed)
                        """)
                .bind("userId", userId)
                .bind("articleId", articleId)
                .execute();
    }

    /** Tags in use, most used first. */
    List<String> tags(Handle h, int max) {
        return h.createQuery("select tag from article_tags group by tag order by count(*) desc, tag limit :max")
                .bind("max", max)
                .mapTo(String.class)
                .list();
    }

    private static Article article(ResultSet rs) throws SQLException {
        return new Article(
                rs.getString("slug"),
                rs.getString("title"),
                rs.getString("description"),
                rs.getString("body"),
                List.of((String[]) rs.getArray("tag_list").getArray()),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                rs.getBoolean("favorited"),
                rs.getInt("favorites_count"),
                Profile.from(rs));
    }
}
