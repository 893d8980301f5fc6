-- Durable background work, as a transactional outbox (see Jobs): a write queues its job in its own transaction, so
-- the job exists exactly when the change does; workers on every node take due jobs with FOR UPDATE SKIP LOCKED.
create table jobs (
    id          bigint      generated always as identity primary key,
    -- which handler runs it ('webhook', 'email', ...)
    kind        text        not null,
    -- what its handler needs, as the kind defines it
    payload     jsonb       not null,
    -- stable across attempts: receivers drop repeats by it (a webhook's id header, an email's Message-ID)
    key         uuid        not null default gen_random_uuid() unique,
    state       text        not null default 'queued' check (state in ('queued', 'running', 'done', 'dead')),
    attempts    integer     not null default 0,
    -- queued: when it is due; its retries are pushed back here
    run_at      timestamptz not null default now(),
    -- running: a node that died holding it leaves it to be taken again once this has passed
    lease_until timestamptz,
    last_error  text,
    -- the W3C traceparent of the request that queued it: its runs are spans of that trace
    traceparent text,
    created_at  timestamptz not null default now(),
    finished_at timestamptz,
    constraint jobs_running_leased check ((state = 'running') = (lease_until is not null))
);
-- the workers' question: the queued jobs that are due, oldest first; and the running ones whose lease ran out
create index jobs_due_idx on jobs (run_at) where state = 'queued';
create index jobs_lease_idx on jobs (lease_until) where state = 'running';
-- the pruning of finished jobs once their retention is over
create index jobs_finished_idx on jobs (finished_at) where state in ('done', 'dead');
