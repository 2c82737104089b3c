-- Area-wide joint committees (大党委/联合党委/大工委): the regions (villages, communities, streets) a
-- committee spans. Its area is the union of these regions' boundaries.
CREATE TABLE party_org_regions (
  party_org_id bigint NOT NULL REFERENCES party_orgs (id) ON DELETE CASCADE,
  region_code  text NOT NULL REFERENCES regions (code) ON DELETE CASCADE,
  PRIMARY KEY (party_org_id, region_code)
);
CREATE INDEX party_org_regions_region_idx ON party_org_regions (region_code);
