-- The web pages' browser sessions. A signed-in browser's cookie holds a token naming its row here; signing out
-- deletes the row, and the cookie is refused from then on (the row is the truth, caches follow).
create table web_sessions (
    id         uuid        primary key,
    user_id    bigint      not null references users (id) on delete cascade,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null
);
-- an account's sessions (and the cascade when it is deleted)
create index web_sessions_user_idx on web_sessions (user_id);
-- the sweep of expired sessions
create index web_sessions_expires_idx on web_sessions (expires_at);
