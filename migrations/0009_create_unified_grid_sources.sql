-- Mapping from each unified grid to every department grid it overlaps.
CREATE TABLE unified_grid_sources (
  unified_grid_id bigint NOT NULL REFERENCES unified_grids (id) ON DELETE CASCADE,
  grid_id         bigint NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
  overlap_m2      double precision NOT NULL CHECK (overlap_m2 >= 0),
  share           double precision NOT NULL CHECK (share BETWEEN 0 AND 1),
  PRIMARY KEY (unified_grid_id, grid_id)
);
CREATE INDEX unified_grid_sources_grid_idx ON unified_grid_sources (grid_id);
