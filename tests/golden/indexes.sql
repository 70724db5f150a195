-- up
DROP INDEX ix_users_username;
CREATE INDEX ix_users_email ON users (email);
-- down
DROP INDEX ix_users_email;
CREATE UNIQUE INDEX ix_users_username ON users (username);
-- foreign keys off: no
