-- What the front page lists.
CREATE VIEW post_list AS
  SELECT p.id, p.title, a.name AS author
  FROM posts p JOIN authors a ON a.id = p.author_id;

-- Counts the edits of a post's title.
CREATE TRIGGER posts_count_edits AFTER UPDATE OF title ON posts BEGIN
  UPDATE posts SET edits = edits + 1 WHERE id = new.id;
END;
