-- Conduit schema. Invariants live here as constraints, so racing requests cannot break them.

create table users (
    id            bigint generated always as identity primary key,
    username      text        not null,
    email         text        not null,
    password_hash text        not null,
    bio           text,
    image         text,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
-- Case-insensitive uniqueness: "Alice" and "alice" are one account; lookups use the same expressions.
create unique index users_username_key on users (lower(username));
create unique index users_email_key on users (lower(email));

create table follows (
    follower_id bigint      not null references users (id) on delete cascade,
    followed_id bigint      not null references users (id) on delete cascade,
    created_at  timestamptz not null default now(),
    primary key (follower_id, followed_id),
    constraint follows_not_self check (follower_id <> followed_id)
);
-- "who follows X" (and cascades when X is deleted)
create index follows_followed_idx on follows (followed_id);

create table articles (
    id              bigint generated always as identity primary key,
    slug            text        not null constraint articles_slug_key unique,
    author_id       bigint      not null references users (id) on delete cascade,
    title           text        not null,
    description     text        not null,
    body            text        not null,
    -- kept in step with favorites by the same statement that inserts or deletes the favorite
    favorites_count integer     not null default 0 check (favorites_count >= 0),
    created_at      timestamptz not null default clock_timestamp(),
    updated_at      timestamptz not null default clock_timestamp()
);
-- newest-first listing, and the author filter / feed
create index articles_recent_idx on articles (created_at desc, id desc);
create index articles_author_recent_idx on articles (author_id, created_at desc, id desc);

create table article_tags (
    article_id bigint   not null references articles (id) on delete cascade,
    tag        text     not null,
    position   smallint not null,
    primary key (article_id, tag)
);
-- the tag filter and the tag list
create index article_tags_tag_idx on article_tags (tag, article_id);

create table favorites (
    user_id    bigint      not null references users (id) on delete cascade,
    article_id bigint      not null references articles (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (user_id, article_id)
);
create index favorites_article_idx on favorites (article_id);

create table comments (
    id         bigint generated always as identity primary key,
    article_id bigint      not null references articles (id) on delete cascade,
    author_id  bigint      not null references users (id) on delete cascade,
    body       text        not null,
    created_at timestamptz not null default clock_timestamp(),
    updated_at timestamptz not null default clock_timestamp()
);
create index comments_article_idx on comments (article_id, created_at desc, id desc);
create index comments_author_idx on comments (author_id);
