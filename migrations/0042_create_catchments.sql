-- Service areas per centre and band: a true-distance radius buffer, or a walking area (buffer of the
-- network reached within the band, unioned) on a given road network version.
CREATE TABLE catchments (
  id          bigserial PRIMARY KEY,
  center_id   bigint NOT NULL REFERENCES service_centers (id) ON DELETE CASCADE,
  method      text NOT NULL CHECK (method IN ('radius', 'network')),
  minutes     integer CHECK (minutes > 0),
  radius_m    double precision CHECK (radius_m > 0),
  network_id  bigint REFERENCES road_networks (id) ON DELETE CASCADE,
  geom        geometry(MultiPolygon, 4326) NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((method = 'radius') = (minutes IS NULL)),
  CHECK ((method = 'network') = (network_id IS NOT NULL))
);
CREATE INDEX catchments_geom_gix ON catchments USING gist (geom);
CREATE INDEX catchments_center_idx ON catchments (center_id, method, minutes);
