-- How a unit is covered: its own org, a joint org, affiliated to another org, or work coverage only
-- (a 党建指导员 without an org). No row means not covered; 应建未建 is derived from that.
CREATE TABLE unit_coverage (
  unit_id         bigint PRIMARY KEY REFERENCES units (id) ON DELETE CASCADE,
  party_org_id    bigint REFERENCES party_orgs (id) ON DELETE SET NULL,
  mode            text NOT NULL CHECK (mode IN ('own', 'joint', 'affiliated', 'work')),
  instructor_name text,
  CHECK ((mode = 'work') = (party_org_id IS NULL))
);
CREATE INDEX unit_coverage_org_idx ON unit_coverage (party_org_id);
