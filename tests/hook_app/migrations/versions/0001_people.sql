-- Retort revision 0001
-- +retort revision: 0001
-- +retort parent: base
-- +retort message: people

-- +retort Up
CREATE TABLE people (
    id INTEGER NOT NULL CONSTRAINT pk_people PRIMARY KEY,
    full_name TEXT NOT NULL DEFAULT ''
);

-- +retort Down
DROP TABLE people;

-- +retort Schema
-- {"columns":[{"name":"id","not_null":true,"type":"INTEGER"},{"default":"''","name":"full_name","not_null":true,"type":"TEXT"}],"name":"people","primary_key":["id"]}
