-- The generation of tokens an account accepts. Each token carries the generation it was issued for (tokens
-- without one, issued before this version, are of generation 0); a password change moves the account to the
-- next generation, which ends every token issued before it, those of logins racing the change included.
alter table users add column token_version integer not null default 0;
