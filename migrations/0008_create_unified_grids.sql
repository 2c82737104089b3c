-- 全科网格: code = community code + 3-digit serial, inside exactly one community.
CREATE TABLE unified_grids (
  id             bigserial PRIMARY KEY,
  merge_run_id   bigint NOT NULL REFERENCES merge_runs (id) ON DELETE CASCADE,
  code           text NOT NULL CHECK (code ~ '^[0-9]{15}$'),
  community_code text NOT NULL REFERENCES regions (code),
  area_m2        double precision NOT NULL CHECK (area_m2 >= 0),
  households     integer NOT NULL DEFAULT 0 CHECK (households >= 0),
  population     integer NOT NULL DEFAULT 0 CHECK (population >= 0),
  boundary       geometry(MultiPolygon, 4326) NOT NULL,
  UNIQUE (merge_run_id, code)
);
CREATE INDEX unified_grids_boundary_gix ON unified_grids USING gist (boundary);
CREATE INDEX unified_grids_community_idx ON unified_grids (community_code);
