-- A huge grid (a polygon of 1,000,000 vertices: 16 MB of shape) stored without holding the embedded
-- database (PGlite, on the server's thread) for long:
-- * its shape, checked on an engine thread, arrives in parts of a statement each (one statement
--   carrying its 30 MB of hex held the thread 1.2 s), kept here until it is staged whole. Unlogged,
--   uncompressed: nothing in it outlives its import run.
-- * grid and region shapes are kept uncompressed: compressing the 16 MB shape cost ~0.5 s of the
--   statement that stores it, and every read of it would decompress it again. Rows stored before keep
--   their form; the shapes (their EWKB) are the same either way.
CREATE UNLOGGED TABLE import_staging_parts (
  import_run_id bigint NOT NULL,
  index int NOT NULL,
  part int NOT NULL,
  bytes bytea NOT NULL,
  PRIMARY KEY (import_run_id, index, part)
);
ALTER TABLE import_staging_parts ALTER COLUMN bytes SET STORAGE EXTERNAL;
ALTER TABLE grids ALTER COLUMN boundary SET STORAGE EXTERNAL;
ALTER TABLE regions ALTER COLUMN boundary SET STORAGE EXTERNAL;
