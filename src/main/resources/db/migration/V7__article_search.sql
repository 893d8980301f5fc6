-- Full-text search over articles (GET /api/articles?q=...), kept current by the database itself: each article's
-- words are in two vectors, search_text (title, description, body), set by a trigger whenever they change, and
-- search_tags (its tags), set after its tags change. Searches match and rank their concatenation, which the GIN
-- index holds. Two parts, so that tagging an article does not parse its body (up to 100,000 characters) again.
-- Weights: title and tags A, description B, body D. The text-search configuration (stemming, stop words) is what
-- search_language() returns; start-up redefines it from SEARCH_LANGUAGE and re-indexes when it changed. A function,
-- not a row: part of the schema, so a backup restored elsewhere is indexed in that database's language.
create function search_language() returns regconfig language sql stable as $$ select cast('english' as regconfig) $$;

-- a constant default: no table rewrite; reindex_article_search() below fills them in
alter table articles
    add column search_text tsvector not null default '',
    add column search_tags tsvector not null default '';

create function article_text_vector(config regconfig, title text, description text, body text) returns tsvector
    language sql immutable parallel safe as $$
    select setweight(to_tsvector(config, title), 'A') || setweight(to_tsvector(config, description), 'B')
        || setweight(to_tsvector(config, body), 'D')
$$;

create function article_tags_vector(config regconfig, article bigint) returns tsvector
    language sql stable parallel safe as $$
    select setweight(to_tsvector(config, coalesce(string_agg(t.tag, ' '), '')), 'A')
    from article_tags t
    where t.article_id = article
$$;

-- an update that leaves the words as they were (the API's updates set all three) parses nothing
create function articles_search_text() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and (new.title, new.description, new.body)
            is not distinct from (old.title, old.description, old.body) then
        return new;
    end if;
    new.search_text := article_text_vector(search_language(), new.title, new.description, new.body);
    return new;
end
$$;

create trigger articles_search_text before insert or update of title, description, body on articles
    for each row execute function articles_search_text();

-- once per statement, for every article whose tags it inserted or deleted (the transition table "changed")
create function article_tags_search() returns trigger language plpgsql as $$
begin
    update articles a
    set search_tags = article_tags_vector(search_language(), a.id)
    where a.id in (select distinct c.article_id from changed c);
    return null;
end
$$;

create trigger article_tags_inserted_search after insert on article_tags
    referencing new table as changed for each statement execute function article_tags_search();
create trigger article_tags_deleted_search after delete on article_tags
    referencing old table as changed for each statement execute function article_tags_search();

-- every article's vectors in the configured language, here and when start-up changes it; returns how many
create function reindex_article_search() returns bigint language sql as $$
    with updated as (
        update articles a
        set search_text = article_text_vector(search_language(), a.title, a.description, a.body),
            search_tags = article_tags_vector(search_language(), a.id)
        returning 1)
    select count(*) from updated
$$;
select reindex_article_search();

create index articles_search_idx on articles using gin ((search_text || search_tags));
