-- Lines of a road network with their class (OSM highway values, or railway/waterway for barriers
-- kept for the map) and length in metres (true distance, on the spheroid).
CREATE TABLE road_edges (
  id          bigserial PRIMARY KEY,
  network_id  bigint NOT NULL REFERENCES road_networks (id) ON DELETE CASCADE,
  class       text NOT NULL,
  name        text,
  length_m    double precision NOT NULL CHECK (length_m >= 0),
  geom        geometry(LineString, 4326) NOT NULL
);
CREATE INDEX road_edges_geom_gix ON road_edges USING gist (geom);
CREATE INDEX road_edges_network_idx ON road_edges (network_id);
