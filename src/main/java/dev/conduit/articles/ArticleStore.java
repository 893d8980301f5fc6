package dev.conduit.articles;

import dev.conduit.platform.db.Refusals;
import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.json.JsonText;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * All SQL of articles, tags and favorites. Reads fetch plain rows by id (what {@link ArticleCache} keeps); the
 * viewer's side (favorited, following) and the authors come from caches, not from joins.
 */
final class ArticleStore {
    /** What ownership checks, updates and the caches need to know of an article. */
    record Ref(long id, long authorId, String slug, String title, Instant createdAt) {
    }

    /** Tags sort by code point ("C"), so every PostgreSQL server, whatever its locale, gives the same order. */
    private static final String SUMMARIES = """
            select a.id, a.slug, a.title, a.description, a.author_id, a.created_at, a.updated_at, a.favorites_count,
                   array(select t.tag from article_tags t where t.article_id = a.id order by t.tag collate "C")
                       as tag_list
            from articles a
            where a.id = any(:ids)
            """;
    private static final String NEWEST_FIRST = " order by a.created_at desc, a.id desc";

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

    /**
     * The filters of a list as SQL conditions on {@code a} (articles), and their values. A feed reads whom its
     * reader follows in the same statement, so it never mixes an older list of followed accounts with newer rows.
     */
    private record Criteria(List<String> conditions, Map<String, Object> values) {
        static Criteria of(Listing.Key key) {
            var conditions = new ArrayList<String>();
            var values = new HashMap<String, Object>();
            if (key.tag() != null) {
                conditions.add("a.id in (select ft.article_id from article_tags ft where ft.tag = :tag)");
                values.put("tag", key.tag());
            }
            if (key.author() != null) {
                conditions.add("a.author_id = :author");
                values.put("author", key.author());
            }
            if (key.favoritedBy() != null) {
                conditions.add("a.id in (select ff.article_id from favorites ff where ff.user_id = :favoritedBy)");
                values.put("favoritedBy", key.favoritedBy());
            }
            if (key.feedOf() != null) {
                conditions.add("a.author_id in (select fo.followed_id from follows fo where fo.follower_id = :feedOf)");
                values.put("feedOf", key.feedOf());
            }
            return new Criteria(conditions, values);
        }

        /** The conditions as a where clause (none: empty). */
        String where() {
            return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
        }

        /** The conditions, each after an {@code and}, to follow other conditions. */
        String and() {
            return conditions.stream().map(c -> " and " + c).collect(Collectors.joining());
        }

        Query bind(Query query) {
            values.forEach(query::bind);
            return query;
        }
    }

    /**
     * The first {@code depth} ids of the list, newest first, with their creation times, how many match in all,
     * and for a feed the accounts it follows: one round trip.
     */
    Listing listing(Handle h, Listing.Key key, int depth) {
        var criteria = Criteria.of(key);
        String authors = key.feedOf() == null ? "cast(array[] as bigint[])"
                : "array(select fo.followed_id from follows fo where fo.follower_id = :feedOf)";
        return criteria.bind(h.createQuery("""
                        with newest as (select a.id, a.created_at from articles a%1$s%2$s limit :depth)
                        select array(select id from newest%3$s) as ids,
                               array(select cast(extract(epoch from created_at) * 1000000 as bigint) from newest%3$s)
                                   as created,
                               (select count(*) from articles a%1$s) as total,
                               %4$s as authors
                        """.formatted(criteria.where(), NEWEST_FIRST, NEWEST_FIRST.replace("a.", ""), authors)))
                .bind("depth", depth)
                .map((rs, ctx) -> new Listing(longs(rs, "ids"), longs(rs, "created"), rs.getLong("total"),
                        Arrays.stream(longs(rs, "authors")).boxed().collect(Collectors.toUnmodifiableSet())))
                .one();
    }

    /** A page of search results: ids, best match first, each one's snippet, and how many match in all. */
    record Found(long[] ids, List<String> snippets, long total) {
    }

    /**
     * The page of articles that have {@code query}'s words and meet {@code key}'s filters, ranked
     * by relevance (then newest first), each with a snippet of its body where the words matched, between
     * {@link Search#MARK_START} and {@link Search#MARK_END}. The vectors are the database's (V7, V8, V10): every word
     * is matched, ranking reads the title, description, tags and the body's opening.
     */
    Found search(Handle h, Listing.Key key, Search.Query query, int limit, int offset) {
        var criteria = Criteria.of(key);
        // the last word as a prefix both stemmed and as typed: stemming a word cut short can change its end
        // ("rally" -> "ralli"), and then the stemmed prefix no longer begins the stemmed whole word ("rallying")
        return criteria.bind(h.createQuery("""
                        with q as (
                            select case when :words = '' then t.last
                                        else to_tsquery(search_language(), :words) && t.last end as query
                            from (select to_tsquery(search_language(), :last || ':*')
                                         || to_tsquery('simple', :last || ':*') as last) t),
                        matches as (
                            select a.id, a.created_at, ts_rank_cd(s.search_rank || s.search_tags, q.query) as rank
                            from article_search s join articles a on a.id = s.article_id cross join q
                            where s.search_all @@ q.query%1$s),
                        page as (
                            select id, rank, created_at from matches
                            order by rank desc, created_at desc, id desc
                            limit :limit offset :offset)
                        select (select count(*) from matches) as total,
                               array(select p.id from page p order by p.rank desc, p.created_at desc, p.id desc)
                                   as ids,
                               array(select ts_headline(search_language(),
                                                        translate(a.body, :marks, ''), q.query, :headline)
                                     from page p join articles a on a.id = p.id cross join q
                                     order by p.rank desc, p.created_at desc, p.id desc) as snippets
                        """.formatted(criteria.and())))
                .bind("words", query.words())
                .bind("last", query.last())
                .bind("limit", limit)
                .bind("offset", offset)
                .bind("marks", Search.MARK_START + Search.MARK_END)
                .bind("headline", Search.HEADLINE_OPTIONS)
                .map((rs, ctx) -> new Found(longs(rs, "ids"),
                        List.of((String[]) rs.getArray("snippets").getArray()), rs.getLong("total")))
                .one();
    }

    /** A page of the list beyond what a {@link Listing} holds. */
    long[] page(Handle h, Listing.Key key, int limit, int offset) {
        var criteria = Criteria.of(key);
        return criteria.bind(h.createQuery("select a.id from articles a" + criteria.where() + NEWEST_FIRST
                        + " limit :limit offset :offset"))
                .bind("limit", limit)
                .bind("offset", offset)
                .mapTo(Long.class)
                .stream()
                .mapToLong(Long::longValue)
                .toArray();
    }

    Map<Long, Summary> summaries(Handle h, Collection<Long> ids) {
        return h.createQuery(SUMMARIES)
                .bindArray("ids", Long.class, ids)
                .map((rs, ctx) -> summary(rs))
                .stream()
                .collect(Collectors.toMap(Summary::id, Function.identity()));
    }

    /** The body as the JSON member {@code ,"body":"..."}. */
    Optional<JsonText> body(Handle h, long id) {
        return h.createQuery("select body from articles where id = :id").bind("id", id).mapTo(String.class).findOne()
                .map(Article::bodyMember);
    }

    Optional<Long> idOf(Handle h, String slug) {
        return h.createQuery("select id from articles where slug = :slug").bind("slug", slug).mapTo(Long.class)
                .findOne();
    }

    /** The ids of the articles {@code userId} has favorited. */
    Set<Long> favoritedBy(Handle h, long userId) {
        return Set.copyOf(h.createQuery("select article_id from favorites where user_id = :userId")
                .bind("userId", userId)
                .mapTo(Long.class)
                .list());
    }

    /** Locks the row until the transaction ends, so concurrent edits apply one at a time. */
    Optional<Ref> lockedRef(Handle h, String slug) {
        return h.createQuery("select id, author_id, slug, title, created_at from articles where slug = :slug"
                        + " for update")
                .bind("slug", slug)
                .map((rs, ctx) -> ref(rs))
                .findOne();
    }

    boolean slugTaken(Handle h, String slug, long exceptId) {
        return h.createQuery("select exists(select 1 from articles where slug = :slug and id <> :exceptId)")
                .bind("slug", slug)
                .bind("exceptId", exceptId)
                .mapTo(Boolean.class)
                .one();
    }

    /** A new article as the list shows it, and when it was created. */
    record Created(Summary summary, Instant createdAt) {
    }

    /**
     * The new article with its tags, their counters moved, in one statement (one round trip, one commit); empty
     * when the slug is taken (the caller picks another), and then nothing is written.
     */
    Optional<Created> insert(Handle h, long authorId, String slug, ArticleDraft draft) {
        return INSERT_REFUSALS.on(() -> h.createQuery("""
                        with tags(tag) as (select unnest(cast(:tags as text[]))),
                        article as (
                            insert into articles (slug, author_id, title, description, body)
                            values (:slug, :authorId, :title, :description, :body)
                            on conflict (slug) do nothing
                            returning id, slug, title, description, author_id, created_at, updated_at, favorites_count),
                        tagged as (
                            insert into article_tags (article_id, tag)
                            select article.id, tags.tag from article, tags),
                        counted as (
                            insert into tag_counts as c (tag, articles)
                            select tag, 1 from tags
                            where exists(select 1 from article)
                            order by tag
                            on conflict (tag) do update set articles = c.articles + excluded.articles)
                        select a.*, array(select tag from tags order by tag collate "C") as tag_list
                        from article a
                        """)
                .bind("slug", slug)
                .bind("authorId", authorId)
                .bind("title", draft.title())
                .bind("description", draft.description())
                .bind("body", draft.body())
                .bindArray("tags", String.class, draft.tagList())
                .map((rs, ctx) -> new Created(summary(rs), instant(rs, "created_at")))
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

    /** Removes all of the article's tags; returns them. */
    Set<String> removeTags(Handle h, long articleId) {
        return Set.copyOf(h.createQuery("delete from article_tags where article_id = :id returning tag")
                .bind("id", articleId)
                .mapTo(String.class)
                .list());
    }

    void insertTags(Handle h, long articleId, Collection<String> tags) {
        if (tags.isEmpty()) {
            return;
        }
        h.createUpdate("insert into article_tags (article_id, tag) select :id, unnest(cast(:tags as text[]))")
                .bind("id", articleId)
                .bindArray("tags", String.class, tags)
                .execute();
    }

    /**
     * Moves the per-tag article counts ({@code tag_counts}, which {@code GET /tags} reads instead of grouping
     * every tag row) by {@code deltas}. Each transaction that changes an article's tags calls this once, last,
     * and the statement locks the counters in tag order, as {@link #insert} does, so no two can deadlock.
     */
    void countTags(Handle h, Map<String, Integer> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        var tags = new ArrayList<>(deltas.keySet());
        h.createUpdate("""
                        insert into tag_counts as c (tag, articles)
                        select d.tag, d.delta from unnest(cast(:tags as text[]), cast(:deltas as int[])) as d(tag, delta)
                        order by d.tag
                        on conflict (tag) do update set articles = c.articles + excluded.articles
                        """)
                .bindArray("tags", String.class, tags)
                .bindArray("deltas", Integer.class, tags.stream().map(deltas::get).toList())
                .execute();
    }

    void delete(Handle h, long id) {
        h.createUpdate("delete from articles where id = :id").bind("id", id).execute();
    }

    /**
     * What a favorite or unfavorite statement left: the article's favorites count, and whether a favorite row was
     * really added or removed (the statements are idempotent).
     */
    record Toggled(int favoritesCount, boolean changed) {
    }

    /** Empty when the article is gone. The count is the one it set, or (nothing changed) the one it found. */
    Optional<Toggled> favorite(Handle h, long userId, long articleId) {
        return FAVORITE_REFUSALS.on(() -> toggle(h, userId, articleId, """
                        with added as (
                            insert into favorites (user_id, article_id) values (:userId, :articleId)
                            on conflict do nothing
                            returning article_id),
                        counted as (
                            update articles set favorites_count = favorites_count + 1
                            where id in (select article_id from added)
                            returning favorites_count)
                        select coalesce((select favorites_count from counted), a.favorites_count) as favorites_count,
                               exists (select 1 from counted) as changed
                        from articles a
                        where a.id = :articleId
                        """));
    }

    /**
     * As {@link #favorite}. The article's row is locked before the favorite's, in the order its deletion takes them
     * (the article, then its favorites by cascade): the other way round, the two deadlocked, and one answered 500.
     * Having waited for a deletion, it finds no article (404); for an edit, the article as that left it.
     */
    Optional<Toggled> unfavorite(Handle h, long userId, long articleId) {
        return toggle(h, userId, articleId, """
                        with article as (
                            select id, favorites_count from articles where id = :articleId for no key update),
                        removed as (
                            delete from favorites
                            where user_id = :userId and article_id in (select id from article)
                            returning article_id),
                        counted as (
                            update articles set favorites_count = favorites_count - 1
                            where id in (select article_id from removed)
                            returning favorites_count)
                        select coalesce((select favorites_count from counted), a.favorites_count) as favorites_count,
                               exists (select 1 from counted) as changed
                        from article a
                        """);
    }

    private static Optional<Toggled> toggle(Handle h, long userId, long articleId, String sql) {
        return h.createQuery(sql)
                .bind("userId", userId)
                .bind("articleId", articleId)
                .map((rs, ctx) -> new Toggled(rs.getInt("favorites_count"), rs.getBoolean("changed")))
                .findOne();
    }

    /**
     * Tags in use, most used first. The counters are kept by Conduit's own writes; the {@code exists} keeps a tag
     * out once its last article is gone, however that happened.
     */
    List<String> tags(Handle h, int max) {
        return h.createQuery("""
                        select c.tag from tag_counts c
                        where c.articles > 0 and exists(select 1 from article_tags t where t.tag = c.tag)
                        order by c.articles desc, c.tag
                        limit :max
                        """)
                .bind("max", max)
                .mapTo(String.class)
                .list();
    }

    private static long[] longs(ResultSet rs, String column) throws SQLException {
        Long[] boxed = (Long[]) rs.getArray(column).getArray();
        long[] ids = new long[boxed.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = boxed[i];
        }
        return ids;
    }

    private static Ref ref(ResultSet rs) throws SQLException {
        return new Ref(rs.getLong("id"), rs.getLong("author_id"), rs.getString("slug"), rs.getString("title"),
                instant(rs, "created_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static Summary summary(ResultSet rs) throws SQLException {
        return new Summary(rs.getLong("id"), rs.getLong("author_id"), rs.getInt("favorites_count"), JsonText.openObject(
                "slug", rs.getString("slug"),
                "title", rs.getString("title"),
                "description", rs.getString("description"),
                "tagList", List.of((String[]) rs.getArray("tag_list").getArray()),
                "createdAt", instant(rs, "created_at"),
                "updatedAt", instant(rs, "updated_at")));
    }
}
