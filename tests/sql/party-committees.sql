-- findJointCommittees
WITH c AS (
      SELECT o.id, o.code, o.name, o.tier, o.status, o.member_count AS members,
        array_agg(pr.region_code ORDER BY pr.region_code) AS region_codes,
        ST_Multi(ST_Union(ST_MakeValid(r.boundary))) AS area
      FROM party_orgs o
      JOIN party_org_regions pr ON pr.party_org_id = o.id
      JOIN regions r ON r.code = pr.region_code
      WHERE EXISTS (SELECT 1 FROM party_org_regions s WHERE s.party_org_id = o.id
                      AND ($1::text IS NULL OR s.region_code LIKE $2::text || '%'))
      GROUP BY o.id
    ), prefixes AS (
      -- a region's codes below it share its prefix: a district's 6 digits, a street's 9, a community's 12
      SELECT DISTINCT c.id, CASE WHEN right(rc, 6) = '000000' THEN left(rc, 6) WHEN right(rc, 3) = '000' THEN left(rc, 9) ELSE rc END AS prefix
      FROM c, unnest(c.region_codes) AS rc
    ), unit_keys AS (
      -- each unit under its three prefixes, so that "inside" is an equi-join (hashed), not a LIKE per
      -- unit and committee (quadratic: minutes at city scale)
      SELECT u.id, k.prefix FROM units u
      CROSS JOIN LATERAL (VALUES (u.region_code), (left(u.region_code, 9)), (left(u.region_code, 6))) AS k(prefix)
      WHERE u.region_code IS NOT NULL AND TRUE
    ), org_keys AS (
      SELECT o.id, k.prefix FROM party_orgs o
      CROSS JOIN LATERAL (VALUES (o.region_code), (left(o.region_code, 9)), (left(o.region_code, 6))) AS k(prefix)
      WHERE o.region_code IS NOT NULL AND TRUE
    ), units_inside AS (
      SELECT p.id, count(DISTINCT k.id)::int AS n FROM prefixes p JOIN unit_keys k ON k.prefix = p.prefix GROUP BY p.id
    ), orgs_inside AS (
      SELECT p.id, count(DISTINCT k.id)::int AS n FROM prefixes p JOIN org_keys k ON k.prefix = p.prefix AND k.id <> p.id
      GROUP BY p.id
    )
    -- within a scope: its member regions and what lies inside them counted in the scope only
    SELECT c.code, c.name, c.tier, c.status, c.members,
      ARRAY(SELECT rc FROM unnest(c.region_codes) AS rc WHERE TRUE ORDER BY rc) AS "regionCodes",
      ST_AsGeoJSON(c.area, 6) AS area,
      ST_XMin(c.area) AS xmin, ST_YMin(c.area) AS ymin, ST_XMax(c.area) AS xmax, ST_YMax(c.area) AS ymax,
      coalesce(oi.n, 0) AS "organizationsInside", coalesce(ui.n, 0) AS "unitsInside"
    FROM c LEFT JOIN orgs_inside oi ON oi.id = c.id LEFT JOIN units_inside ui ON ui.id = c.id
    ORDER BY c.code;
