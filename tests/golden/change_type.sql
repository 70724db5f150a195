-- up
DROP INDEX ix_users_username;
-- rebuild users (SQLite's generalized ALTER TABLE)
CREATE TABLE _retort_new_users (
    id INTEGER NOT NULL CONSTRAINT pk_users PRIMARY KEY AUTOINCREMENT,
    username INTEGER NOT NULL,
    email TEXT
);
-- +retort copy: users
INSERT INTO _retort_new_users (id, username, email)
    SELECT id, username, email FROM users;
DROP TABLE users;
ALTER TABLE _retort_new_users RENAME TO users;
CREATE UNIQUE INDEX ix_users_username ON users (username);
-- down
DROP INDEX ix_users_username;
-- rebuild users (SQLite's generalized ALTER TABLE)
CREATE TABLE _retort_new_users (
    id INTEGER NOT NULL CONSTRAINT pk_users PRIMARY KEY AUTOINCREMENT,
    username VARCHAR(64) NOT NULL,
    email TEXT
);
-- +retort copy: users
INSERT INTO _retort_new_users (id, username, email)
    SELECT id, username, email FROM users;
DROP TABLE users;
ALTER TABLE _retort_new_users RENAME TO users;
CREATE UNIQUE INDEX ix_users_username ON users (username);
-- foreign keys off: yes
-- destructive: change type of "users"."username" from VARCHAR(64) to INTEGER
