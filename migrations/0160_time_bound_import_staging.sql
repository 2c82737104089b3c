-- A staged feature's heavy work split into statements that each hold the database briefly (PGlite has
-- one connection): its area on the spheroid is measured by a statement of its own after staging and
-- kept here, not measured again by each check. Staged geometries are kept uncompressed (an unlogged
-- table whose rows live for one run: compressing a polygon of 1,000,000 vertices cost seconds in the
-- staging statement, and each read of it as many again).
ALTER TABLE import_staging ADD COLUMN area_m2 double precision;
ALTER TABLE import_staging ALTER COLUMN boundary SET STORAGE EXTERNAL;
