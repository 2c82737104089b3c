-- Conflicts found by a merge run, each with its geometry, area and the grids involved.
CREATE TABLE merge_issues (
  id             bigserial PRIMARY KEY,
  merge_run_id   bigint NOT NULL REFERENCES merge_runs (id) ON DELETE CASCADE,
  kind           text NOT NULL CHECK (kind IN ('gap', 'overlap', 'sliver', 'crosses_boundary', 'outside_region', 'invalid_input')),
  community_code text REFERENCES regions (code),
  department     text REFERENCES departments (code),
  area_m2        double precision NOT NULL DEFAULT 0 CHECK (area_m2 >= 0),
  grid_ids       bigint[] NOT NULL DEFAULT '{}',
  note           text,
  geom           geometry(Geometry, 4326)
);
CREATE INDEX merge_issues_geom_gix ON merge_issues USING gist (geom);
CREATE INDEX merge_issues_run_kind_idx ON merge_issues (merge_run_id, kind);
