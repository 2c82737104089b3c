-- Star ratings by year (星级评定): an organization's history; party_orgs.star_rating stays the current one.
CREATE TABLE party_org_star_ratings (
  party_org_id bigint NOT NULL REFERENCES party_orgs (id) ON DELETE CASCADE,
  year         smallint NOT NULL CHECK (year BETWEEN 1949 AND 2100),
  star_rating  smallint NOT NULL CHECK (star_rating BETWEEN 1 AND 5),
  PRIMARY KEY (party_org_id, year)
);
