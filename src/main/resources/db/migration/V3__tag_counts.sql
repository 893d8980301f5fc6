-- How many articles carry each tag, so GET /tags reads a few counters instead of grouping every tag row.
-- Kept by Conduit in the same transaction that adds or removes an article's tags (ArticleStore.countTags), with
-- one upsert of signed deltas. No check on the sign: PostgreSQL checks the row an upsert proposes, a negative
-- delta, before it finds the conflict that turns it into an update.
create table tag_counts (
    tag      text    primary key,
    articles integer not null
);
insert into tag_counts (tag, articles) select tag, count(*) from article_tags group by tag;
