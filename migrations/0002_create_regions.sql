-- The administrative tree 市 → 区县 → 街道/乡镇 → 社区/村, keyed by the 12-digit statistical code,
-- which is also the distribution key on the Citus scale path.
CREATE TABLE regions (
  code        text PRIMARY KEY CHECK (code ~ '^[0-9]{12}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  level       text NOT NULL CHECK (level IN ('city', 'district', 'street', 'community')),
  parent_code text REFERENCES regions (code),
  is_urban    boolean NOT NULL DEFAULT true,
  boundary    geometry(MultiPolygon, 4326),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (level IN ('city', 'district') OR parent_code IS NOT NULL)
);
CREATE INDEX regions_boundary_gix ON regions USING gist (boundary);
CREATE INDEX regions_parent_idx ON regions (parent_code);
CREATE INDEX regions_level_idx ON regions (level);
