-- Requests sent with an Idempotency-Key, and the answers replayed to their retries (see IdempotencyKeys). The
-- primary key decides which of two racing requests with one key runs. owner_id is the account, or 0 for a
-- registration (no account yet); no foreign key, as 0 names none and a row outlives nothing for long.
create table idempotency_keys (
    owner_id    bigint      not null,
    key         text        not null check (length(key) between 1 and 255),
    -- HMAC-SHA256 of the method, path and body: a retry must be the same request
    fingerprint bytea       not null,
    -- when the key was claimed: the start of its lifetime and of a running request's lease
    created_at  timestamptz not null default now(),
    -- null while the request runs; then the answer's status and body, as sent
    status      smallint,
    body        bytea,
    primary key (owner_id, key),
    constraint idempotency_keys_answer_whole check ((status is null) = (body is null))
);
-- expired keys are deleted oldest first
create index idempotency_keys_created_idx on idempotency_keys (created_at);
