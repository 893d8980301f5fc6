-- Webhooks (see dev.conduit.webhooks): endpoints a user registers to hear of their own articles and of comments on
-- them, each delivery recorded.
create table webhooks (
    id              bigint      generated always as identity primary key,
    user_id         bigint      not null references users (id) on delete cascade,
    url             text        not null check (length(url) between 8 and 2000),
    -- the events it wants, among article.published, article.updated and comment.created
    events          text[]      not null check (cardinality(events) > 0),
    -- deliveries are signed with it (and, while a rotation's grace lasts, with the previous one too)
    secret          text        not null,
    previous_secret text,
    previous_until  timestamptz,
    created_at      timestamptz not null default now(),
    constraint webhooks_previous_whole check ((previous_secret is null) = (previous_until is null))
);
-- a user's webhooks, and the ones an event's author has
create index webhooks_user_idx on webhooks (user_id);

-- One event delivered to one webhook: created by the event's fan-out, retried by its job, redelivered on request.
create table webhook_deliveries (
    -- what receivers see in Conduit-Webhook-Id, the same for every attempt: the delivery job's key
    id           uuid        primary key,
    webhook_id   bigint      not null references webhooks (id) on delete cascade,
    -- the fan-out job's key: an event fanned out again (at least once) finds its deliveries there already
    event_key    uuid        not null,
    event        text        not null,
    payload      jsonb       not null,
    created_at   timestamptz not null default now(),
    attempts     integer     not null default 0,
    -- the receiver's last HTTP status (null: no answer), or why there was none
    last_status  integer,
    last_error   text,
    delivered_at timestamptz,
    constraint webhook_deliveries_once unique (event_key, webhook_id)
);
-- a webhook's deliveries, newest first
create index webhook_deliveries_webhook_idx on webhook_deliveries (webhook_id, created_at desc);

-- Every node remembers which events each writer's webhooks want (most: none), so that a write nobody listens to costs
-- nothing more; a change of a user's webhooks reaches the other nodes' memory through the change log (V11).
create function webhooks_tell() returns trigger language plpgsql as $$
begin
    insert into change_log (node, type, change) values (current_setting('conduit.node', true), 'WebhooksChanged',
        jsonb_build_object('userId', case when tg_op = 'DELETE' then old.user_id else new.user_id end));
    if tg_op = 'UPDATE' and new.user_id <> old.user_id then
        insert into change_log (node, type, change) values (current_setting('conduit.node', true), 'WebhooksChanged',
            jsonb_build_object('userId', old.user_id));
    end if;
    return null;
end
$$;

create trigger webhooks_told after insert or delete on webhooks for each row execute function webhooks_tell();
create trigger webhooks_edit_told after update of user_id, events on webhooks
    for each row execute function webhooks_tell();
