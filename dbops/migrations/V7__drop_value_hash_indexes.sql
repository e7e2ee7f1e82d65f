-- dbops:no-transaction
-- The hash indexes on params.value and tags.value that V3 built until 2026-12-02 (V3's comment says
-- why they went: a build that grows with the square of a value's duplicates, and the same cost on
-- each logged param). On a database that applied the revised V3 there is nothing to drop.
drop index concurrently if exists platform_params_value;
drop index concurrently if exists platform_tags_value;
