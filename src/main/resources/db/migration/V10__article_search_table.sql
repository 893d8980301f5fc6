-- The search vectors move out of articles into a table of their own, one row per article. In articles they doubled
-- the row (~1 KB to ~2 KB on disk at the bench's data), and every write to an article that moves no word (a favorite
-- moves favorites_count: half of mixed's writes) copied them; in one `mixed` run 30 % of the articles' updates
-- (6,702 of 22,002) found no room on their page for a HOT update, and each of those added all the article's words to
-- the GIN index again (bench/results/2026-12-05-mixed-bisect/). Now only writes of an article's words or tags
-- write here.
-- No release has been tagged yet, so no node of an earlier release can be running beside this one: the columns in
-- articles are dropped here, not kept for a contracting release.
-- no article or tag written between the copy below and the triggers' swap: other writers wait for the migration
lock table articles, article_tags in exclusive mode;

create table article_search (
    article_id  bigint   primary key references articles (id) on delete cascade,
    search_text tsvector not null default '', -- title (A), description (B), body (D)
    search_rank tsvector not null default '', -- the same with the body's first 500 characters: what ranking reads
    search_tags tsvector not null default '', -- the tags (A)
    search_all  tsvector not null default ''  -- search_text || search_tags: what a search matches, indexed
);

comment on table article_search is
    'Derived from articles and article_tags by triggers: backups leave it out, a restore fills it as it loads them.';

insert into article_search (article_id, search_text, search_rank, search_tags, search_all)
select id, search_text, search_rank, search_tags, search_all from articles;

drop trigger articles_search_text on articles;
drop trigger article_tags_inserted_search on article_tags;
drop trigger article_tags_deleted_search on article_tags;
drop function articles_search_text();
drop function article_tags_search();
alter table articles
    drop column search_text,
    drop column search_rank,
    drop column search_tags,
    drop column search_all;

-- search_all joins the other two, whoever writes them
create function article_search_all() returns trigger language plpgsql as $$
begin
    new.search_all := new.search_text || new.search_tags;
    return new;
end
$$;

create trigger article_search_all before insert or update on article_search
    for each row execute function article_search_all();

-- An article's vectors from its row and its tags, over what its search row held; returns the article's id.
create function write_article_search(article bigint, title text, description text, body text) returns bigint
    language sql as $$
    insert into article_search as s (article_id, search_text, search_rank, search_tags)
    values (article, article_text_vector(search_language(), title, description, body),
            article_text_vector(search_language(), title, description, left(body, 500)),
            article_tags_vector(search_language(), article))
    on conflict (article_id) do update
        set search_text = excluded.search_text, search_rank = excluded.search_rank, search_tags = excluded.search_tags
    returning article_id
$$;

-- An article's row when it is written, its words parsed again only when they changed. The tags too: an article and
-- its tags are inserted by one statement, whose triggers fire at its end, so they are all there by now, and the
-- search row is written once (each write of it adds all its words to the GIN index again).
create function article_search_text() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and (new.title, new.description, new.body)
            is not distinct from (old.title, old.description, old.body) then
        return null;
    end if;
    perform write_article_search(new.id, new.title, new.description, new.body);
    return null;
end
$$;

create trigger article_search_text after insert or update of title, description, body on articles
    for each row execute function article_search_text();

-- Once per statement, for every article whose tags it inserted or deleted (the transition table "changed") and that
-- still exists (deleting an article deletes its tags, and its search row, by cascade). The row is left alone when
-- its tags' vector is already right (a new article's, written just before by the trigger above).
create function article_search_tags() returns trigger language plpgsql as $$
begin
    insert into article_search as s (article_id, search_tags)
    select a.id, article_tags_vector(search_language(), a.id)
    from articles a
    where a.id in (select c.article_id from changed c)
    order by a.id
    on conflict (article_id) do update set search_tags = excluded.search_tags
        where s.search_tags is distinct from excluded.search_tags;
    return null;
end
$$;

create trigger article_search_tags_inserted after insert on article_tags
    referencing new table as changed for each statement execute function article_search_tags();
create trigger article_search_tags_deleted after delete on article_tags
    referencing old table as changed for each statement execute function article_search_tags();

-- the language changed: every vector again (the trigger joins them into search_all)
create or replace function reindex_article_search() returns bigint language sql as $$
    select count(write_article_search(a.id, a.title, a.description, a.body)) from articles a
$$;

create index article_search_all_idx on article_search using gin (search_all);
