-- Road/path network import runs: each import (or the demo) makes a new version; the active one is
-- what walking catchments are computed on.
CREATE TABLE road_networks (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL,
  source      text NOT NULL,
  edge_count  integer NOT NULL DEFAULT 0 CHECK (edge_count >= 0),
  is_active   boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX road_networks_one_active_idx ON road_networks (is_active) WHERE is_active;
