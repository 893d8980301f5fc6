-- Every node keeps caches of these tables. Each change to them is written to change_log by the triggers below, in
-- the writer's transaction: {node: the writer's node or null, type: the change's record, change: its fields}. The
-- node that wrote has applied the change already (its connections set conduit.node); every other node reads the
-- rows of committed transactions (NodeFeed) and drops what they name. Writes made elsewhere (psql, a node of an
-- older release) carry no node and reach every node. The triggers tell only what those caches need: no lookups.
-- Not NOTIFY: a transaction that notifies holds a database-wide lock from its commit until its commit record is
-- on disk, so every write would wait for the others' flushes instead of sharing one (favorite at 0.6x).
-- Unlogged: a crash of PostgreSQL empties it, and every node, its connection gone, empties its caches anyway.
create unlogged table change_log (
    xid    xid8  not null default pg_current_xact_id(), -- what readers resume by, and pruning goes by
    node   text,
    type   text  not null,
    change jsonb not null
);
create index change_log_xid_idx on change_log (xid);

comment on table change_log is
    'Derived from the last minute''s writes, for the other nodes to read: backups leave it out.';

-- An article created, edited (its words, slug, author, times: not a favorite's count) or deleted. Its tags are
-- told by article_tags' trigger, row by row, as edits of the lists of that tag.
create function articles_tell() returns trigger language plpgsql as $$
declare
    changed articles := case when tg_op = 'DELETE' then old else new end;
begin
    insert into change_log (node, type, change) values (current_setting('conduit.node', true), 'ArticleChange',
        jsonb_build_object(
            'kind', case tg_op when 'INSERT' then 'CREATED' when 'UPDATE' then 'EDITED' else 'DELETED' end,
            'id', changed.id, 'authorId', changed.author_id, 'createdAt', changed.created_at, 'tags', '[]'::jsonb,
            'slugs', case when tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.slug = old.slug) then '[]'::jsonb
                          else jsonb_build_array(old.slug) end));
    return null;
end
$$;

create trigger articles_told after insert or delete on articles for each row execute function articles_tell();
create trigger articles_edit_told
    after update of slug, title, description, body, author_id, created_at, updated_at on articles
    for each row execute function articles_tell();

-- A tag added to or removed from an article: no author nor time (the lists of a tag do not need them).
create function article_tags_tell() returns trigger language plpgsql as $$
declare
    changed article_tags := case when tg_op = 'DELETE' then old else new end;
begin
    insert into change_log (node, type, change) values (current_setting('conduit.node', true), 'ArticleChange',
        jsonb_build_object('kind', 'EDITED', 'id', changed.article_id, 'authorId', 0, 'createdAt', null,
                           'tags', jsonb_build_array(changed.tag), 'slugs', '[]'::jsonb));
    return null;
end
$$;

create trigger article_tags_told after insert or delete on article_tags
    for each row execute function article_tags_tell();

-- The count is not told (0): other nodes read the article again.
create function favorites_tell() returns trigger language plpgsql as $$
declare
    changed favorites := case when tg_op = 'DELETE' then old else new end;
begin
    insert into change_log (node, type, change) values (current_setting('conduit.node', true), 'FavoriteChange',
        jsonb_build_object('userId', changed.user_id, 'articleId', changed.article_id,
                           'favorited', tg_op = 'INSERT', 'favoritesCount', 0));
    return null;
end
$$;

create trigger favorites_told after insert or delete on favorites for each row execute function favorites_tell();

-- The comment itself is not told: other nodes read it again.
create function comments_tell() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into change_log (node, type, change) values (current_setting('conduit.node', true), 'CommentAdded',
            jsonb_build_object('articleId', new.article_id, 'comment', null));
    else
        insert into change_log (node, type, change) values (current_setting('conduit.node', true), 'CommentDeleted',
            jsonb_build_object('articleId', old.article_id, 'commentId', old.id));
    end if;
    return null;
end
$$;

create trigger comments_told after insert or delete on comments for each row execute function comments_tell();

create function follows_tell() returns trigger language plpgsql as $$
begin
    insert into change_log (node, type, change) values (current_setting('conduit.node', true), 'Followed',
        jsonb_build_object('follower', case when tg_op = 'DELETE' then old.follower_id else new.follower_id end));
    return null;
end
$$;

create trigger follows_told after insert or delete on follows for each row execute function follows_tell();

-- What others see of an account, or the tokens it accepts.
create function users_tell() returns trigger language plpgsql as $$
begin
    insert into change_log (node, type, change) values (current_setting('conduit.node', true), 'AccountChanged',
        jsonb_build_object('userId', old.id));
    return null;
end
$$;

create trigger users_told after delete on users for each row execute function users_tell();
create trigger users_edit_told after update of username, bio, image, password_hash, token_version on users
    for each row execute function users_tell();

create function web_sessions_tell() returns trigger language plpgsql as $$
begin
    insert into change_log (node, type, change) values (current_setting('conduit.node', true), 'SessionChanged',
        jsonb_build_object('sessionId', case when tg_op = 'INSERT' then new.id else old.id end));
    return null;
end
$$;

create trigger web_sessions_told after insert or update or delete on web_sessions
    for each row execute function web_sessions_tell();
