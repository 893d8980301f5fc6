-- Email (see dev.conduit.mail): a user's address is verified while it is the one last verified (a change of address
-- leaves it unverified until its own link is followed); each kind of notice can be turned off. Expand only: the
-- release before reads and writes users as it did.
alter table users
    add column email_verified   text,
    add column notify_followers boolean not null default true,
    add column notify_comments  boolean not null default true;

-- The mail sent to each user today, against the daily cap (EMAIL_DAILY_CAP); a user's older days are deleted as
-- their next mail is counted.
create table email_sent (
    user_id bigint  not null references users (id) on delete cascade,
    day     date    not null,
    sent    integer not null,
    primary key (user_id, day)
);

-- Every node remembers each user's address and notice settings: their changes reach the other nodes as account
-- changes (V11's users_tell), as a new password does.
drop trigger users_edit_told on users;
create trigger users_edit_told
    after update of username, bio, image, password_hash, token_version, email, email_verified, notify_followers,
        notify_comments on users
    for each row execute function users_tell();
