-- Party organizations: a tree of 党委/党总支/党支部 with domain, establishment mode, rating and status.
CREATE TABLE party_orgs (
  id             bigserial PRIMARY KEY,
  code           text NOT NULL UNIQUE,
  name           text NOT NULL,
  parent_id      bigint REFERENCES party_orgs (id),
  tier           text NOT NULL CHECK (tier IN ('committee', 'general_branch', 'branch', 'joint_branch', 'temporary_branch')),
  domain         text NOT NULL CHECK (domain IN ('rural', 'community', 'government', 'institution', 'state_enterprise',
                                                 'private_enterprise', 'social_org', 'new_economy', 'park_building', 'mobile_members')),
  establishment  text NOT NULL CHECK (establishment IN ('own', 'joint', 'affiliated')),
  star_rating    smallint CHECK (star_rating BETWEEN 1 AND 5),
  status         text NOT NULL DEFAULT 'normal' CHECK (status IN ('normal', 'weak', 'rectifying', 'hollow')),
  member_count   integer NOT NULL CHECK (member_count >= 0),
  formal_members integer NOT NULL CHECK (formal_members >= 0),
  region_code    text REFERENCES regions (code),
  location       geometry(Point, 4326),
  CHECK (formal_members <= member_count)
);
CREATE INDEX party_orgs_location_gix ON party_orgs USING gist (location);
CREATE INDEX party_orgs_region_idx ON party_orgs (region_code);
CREATE INDEX party_orgs_parent_idx ON party_orgs (parent_id);
