-- 党群服务中心/站 by level; radius_m overrides the level default when set.
CREATE TABLE service_centers (
  id            bigserial PRIMARY KEY,
  code          text NOT NULL UNIQUE,
  name          text NOT NULL,
  level         text NOT NULL CHECK (level IN ('district', 'street', 'community', 'station')),
  status        text NOT NULL DEFAULT 'in_use' CHECK (status IN ('in_use', 'new', 'rebuilt', 'planned')),
  floor_area_m2 double precision CHECK (floor_area_m2 >= 0),
  radius_m      double precision CHECK (radius_m > 0),
  region_code   text REFERENCES regions (code),
  location      geometry(Point, 4326) NOT NULL
);
CREATE INDEX service_centers_location_gix ON service_centers USING gist (location);
CREATE INDEX service_centers_region_idx ON service_centers (region_code);
