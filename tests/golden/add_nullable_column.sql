-- up
ALTER TABLE users ADD COLUMN bio TEXT;
-- down
ALTER TABLE users DROP COLUMN bio;
-- foreign keys off: no
