-- up
CREATE TABLE users (
    id INTEGER NOT NULL CONSTRAINT pk_users PRIMARY KEY AUTOINCREMENT,
    username VARCHAR(64) NOT NULL,
    email TEXT
);
CREATE UNIQUE INDEX ix_users_username ON users (username);

CREATE TABLE posts (
    id INTEGER NOT NULL CONSTRAINT pk_posts PRIMARY KEY,
    author_id INTEGER NOT NULL,
    title TEXT NOT NULL CONSTRAINT ck_posts_title CHECK (length(title) > 0),
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_posts_author_id_users FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_posts_author_time ON posts (author_id, created_at);
-- down
DROP TABLE posts;
DROP TABLE users;
-- foreign keys off: no
