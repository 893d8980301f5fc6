-- An article's tags are read back sorted by name (as the RealWorld reference returns them), so the order they
-- were given in is no longer written. The column stays, nullable, so that an older Conduit still running on
-- this database (mid-upgrade, behind a load balancer) can go on writing it; a later migration drops it.
alter table article_tags alter column position drop not null;
