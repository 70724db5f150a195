-- Retort revision 0007
-- +retort revision: 0007
-- +retort parent: 0006
-- +retort message: add orders
-- +retort foreign-keys: off
-- +retort destructive: drop column "users"."nickname"

-- +retort Up
CREATE TABLE "orders" ("id" INTEGER NOT NULL CONSTRAINT "pk_orders" PRIMARY KEY);

-- +retort Down
DROP TABLE "orders";

-- +retort Schema
-- {"columns":[{"name":"id","type":"INTEGER","not_null":true}],"name":"orders","primary_key":["id"]}
