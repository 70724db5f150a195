-- up
ALTER TABLE users ADD COLUMN karma INTEGER NOT NULL DEFAULT 0;
-- down
ALTER TABLE users DROP COLUMN karma;
-- foreign keys off: no
