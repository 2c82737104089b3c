-- Department grids: each belongs to one layer and (as drawn) to a community.
CREATE TABLE grids (
  id             bigserial PRIMARY KEY,
  layer_id       bigint NOT NULL REFERENCES grid_layers (id) ON DELETE CASCADE,
  code           text NOT NULL CHECK (length(code) BETWEEN 1 AND 40),
  name           text NOT NULL,
  community_code text REFERENCES regions (code),
  households     integer CHECK (households >= 0),
  population     integer CHECK (population >= 0),
  attributes     jsonb NOT NULL DEFAULT '{}',
  boundary       geometry(MultiPolygon, 4326) NOT NULL,
  UNIQUE (layer_id, code)
);
CREATE INDEX grids_boundary_gix ON grids USING gist (boundary);
CREATE INDEX grids_community_idx ON grids (community_code);
