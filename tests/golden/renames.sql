-- up
DROP INDEX ix_posts_author_time;
ALTER TABLE posts RENAME TO articles;
ALTER TABLE articles RENAME COLUMN title TO headline;
CREATE INDEX ix_articles_author_time ON articles (author_id, created_at);
-- down
DROP INDEX ix_articles_author_time;
ALTER TABLE articles RENAME COLUMN headline TO title;
ALTER TABLE articles RENAME TO posts;
CREATE INDEX ix_posts_author_time ON posts (author_id, created_at);
-- foreign keys off: no
