-- Demand points (buildings or households with resident counts): the denominator of every coverage rate.
CREATE TABLE population_points (
  id          bigserial PRIMARY KEY,
  region_code text REFERENCES regions (code),
  residents   integer NOT NULL CHECK (residents >= 0),
  households  integer NOT NULL DEFAULT 0 CHECK (households >= 0),
  location    geometry(Point, 4326) NOT NULL
);
CREATE INDEX population_points_location_gix ON population_points USING gist (location);
CREATE INDEX population_points_region_idx ON population_points (region_code);
