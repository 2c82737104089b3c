-- Units to be covered by a party organization (两新组织 and the like).
CREATE TABLE units (
  id                   bigserial PRIMARY KEY,
  code                 text NOT NULL UNIQUE,
  name                 text NOT NULL,
  kind                 text NOT NULL CHECK (kind IN ('private_enterprise', 'social_org', 'cooperative', 'industry_association',
                                                     'courier_hub', 'ecommerce', 'industrial_park', 'office_building', 'market',
                                                     'property_company', 'mobile_member_cluster')),
  employees            integer NOT NULL DEFAULT 0 CHECK (employees >= 0),
  formal_party_members integer NOT NULL DEFAULT 0 CHECK (formal_party_members >= 0),
  region_code          text REFERENCES regions (code),
  location             geometry(Point, 4326) NOT NULL,
  footprint            geometry(MultiPolygon, 4326)
);
CREATE INDEX units_location_gix ON units USING gist (location);
CREATE INDEX units_footprint_gix ON units USING gist (footprint);
CREATE INDEX units_region_idx ON units (region_code);
