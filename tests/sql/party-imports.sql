-- findRegionPoints
SELECT code, ST_X(p) AS lon, ST_Y(p) AS lat
    FROM (SELECT code, ST_PointOnSurface(boundary) AS p FROM regions WHERE code = ANY($1::text[]) AND boundary IS NOT NULL) r;

-- findStoredOrgRegions
select "code", "region_code" from "party_orgs" where "code" in ($1);

-- findStoredRegionCodes
select "code" from "regions" where "code" in ($1);

-- recordRegisterImport
insert into "import_runs" ("kind", "file_name", "format", "source_crs", "dry_run", "status", "counts", "report", "error", "department", "finished_at") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning "id";

-- upsertOrgs
INSERT INTO party_orgs (code, name, tier, domain, establishment, star_rating, status, member_count, formal_members,
        region_code, location, last_activity_on, has_branch_committee, secretary_name, secretary_phone)
      VALUES ($1, $2, $3, $4, $5, $6::smallint, $7,
        $8::int, $9::int, $10::text,
        ST_SetSRID(ST_MakePoint($11::float8, $12::float8), 4326), $13::date, $14::boolean,
        $15::text, $16::text)
      ON CONFLICT (code) DO UPDATE SET name = excluded.name, tier = excluded.tier, domain = excluded.domain,
        establishment = excluded.establishment, star_rating = excluded.star_rating, status = excluded.status,
        member_count = excluded.member_count, formal_members = excluded.formal_members, region_code = excluded.region_code,
        location = excluded.location, last_activity_on = excluded.last_activity_on,
        has_branch_committee = excluded.has_branch_committee,
        secretary_name = CASE WHEN $17::boolean THEN excluded.secretary_name ELSE party_orgs.secretary_name END,
        secretary_phone = CASE WHEN $18::boolean THEN excluded.secretary_phone ELSE party_orgs.secretary_phone END;

-- upsertStarRatings
WITH stored AS (
      INSERT INTO party_org_star_ratings (party_org_id, year, star_rating)
      SELECT o.id, r.year, r.star_rating
      FROM unnest($1::text[], $2::smallint[],
                  $3::smallint[]) AS r(code, year, star_rating)
      JOIN party_orgs o ON o.code = r.code
      ON CONFLICT (party_org_id, year) DO UPDATE SET star_rating = excluded.star_rating
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM stored;

-- upsertUnits
INSERT INTO units (code, name, kind, employees, formal_party_members, region_code, location)
      VALUES ($1, $2, $3, $4::int, $5::int, $6::text,
        ST_SetSRID(ST_MakePoint($7::float8, $8::float8), 4326))
      ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, employees = excluded.employees,
        formal_party_members = excluded.formal_party_members, region_code = excluded.region_code,
        location = excluded.location;

DELETE FROM unit_coverage WHERE unit_id = (SELECT id FROM units WHERE code = $1);
