-- The rate limiter's token buckets when the nodes share them (RATE_LIMIT_STORE=database; see DatabaseBucketStore).
-- Unlogged: a bucket is written at each limited request, and losing them all in a crash only fills them again.
-- No index beside the key, so that an update stays a HOT update in place (fillfactor leaves it room); the
-- sweep of rows past expires_at (each 1,000th new row on a node starts one) reads the table, which holds only the
-- buckets used within the hour.
create unlogged table rate_limit_buckets (
    -- the limit's name and the client's key (an address, an account id, an email)
    id         text   primary key,
    -- Bucket4j's serialized state
    state      bytea  not null,
    -- when the bucket is full again (epoch milliseconds): a row past it says no more than a missing row does
    expires_at bigint not null
) with (fillfactor = 50);
