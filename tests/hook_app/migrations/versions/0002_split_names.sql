-- Retort revision 0002
-- +retort revision: 0002
-- +retort parent: 0001
-- +retort message: split names

-- +retort Up
ALTER TABLE people ADD COLUMN first_name TEXT;
ALTER TABLE people ADD COLUMN last_name TEXT;
-- +retort hook: split_full_name

-- +retort Down
ALTER TABLE people DROP COLUMN last_name;
ALTER TABLE people DROP COLUMN first_name;

-- +retort Schema
-- {"columns":[{"name":"id","not_null":true,"type":"INTEGER"},{"default":"''","name":"full_name","not_null":true,"type":"TEXT"},{"name":"first_name","type":"TEXT"},{"name":"last_name","type":"TEXT"}],"name":"people","primary_key":["id"]}
