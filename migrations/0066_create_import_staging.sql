-- An import's features staged in batches while they are checked (set-based, as joins against the
-- regions) and, once accepted, stored from here. Unlogged: nothing in it outlives its import run
-- (deleted when the run ends; left-overs of a stop are deleted at start).
CREATE UNLOGGED TABLE import_staging (
  import_run_id bigint NOT NULL,
  index int NOT NULL,
  community_code text,
  valid boolean NOT NULL,
  reason text,
  empty boolean NOT NULL,
  west double precision,
  south double precision,
  east double precision,
  north double precision,
  -- the geometry in WGS84 repaired with ST_MakeValid (when invalid) and kept polygonal
  boundary geometry(Geometry, 4326),
  PRIMARY KEY (import_run_id, index)
);
CREATE INDEX import_staging_boundary_idx ON import_staging USING gist (boundary);
