-- One layer per department and import; re-importing makes a new version and keeps the old one.
CREATE TABLE grid_layers (
  id            bigserial PRIMARY KEY,
  department    text NOT NULL REFERENCES departments (code),
  version       integer NOT NULL CHECK (version >= 1),
  title         text NOT NULL,
  import_run_id bigint REFERENCES import_runs (id),
  source_crs    text NOT NULL DEFAULT 'EPSG:4326',
  is_active     boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (department, version)
);
CREATE UNIQUE INDEX grid_layers_one_active_idx ON grid_layers (department) WHERE is_active;
