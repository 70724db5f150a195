-- up
DROP TABLE posts;
ALTER TABLE users DROP COLUMN bio;
-- down
ALTER TABLE users ADD COLUMN bio TEXT;

CREATE TABLE posts (
    id INTEGER NOT NULL CONSTRAINT pk_posts PRIMARY KEY,
    author_id INTEGER NOT NULL,
    title TEXT NOT NULL CONSTRAINT ck_posts_title CHECK (length(title) > 0),
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_posts_author_id_users FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_posts_author_time ON posts (author_id, created_at);
-- foreign keys off: no
-- destructive: drop column "users"."bio"
-- destructive: drop table "posts"
