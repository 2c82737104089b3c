-- countNewEconomyByStreet
WITH hubs AS (
      SELECT left(u.region_code, 9) || '000' AS street, count(*)::int AS hubs,
        count(*) FILTER (WHERE c.mode IN ('own', 'joint', 'affiliated'))::int AS org_covered,
        count(*) FILTER (WHERE c.mode = 'work')::int AS work_only,
        count(*) FILTER (WHERE c.mode IS NULL)::int AS uncovered,
        coalesce(sum(u.employees), 0)::int AS workers,
        coalesce(sum(u.employees) FILTER (WHERE c.mode IN ('own', 'joint', 'affiliated')), 0)::int AS workers_covered
      FROM units u LEFT JOIN unit_coverage c ON c.unit_id = u.id
      WHERE u.kind = 'courier_hub' AND u.region_code IS NOT NULL AND ($1::text IS NULL OR u.region_code LIKE $2::text || '%')
    AND ($3::text IS NULL OR left(u.region_code, 9) = $4::text)
    AND ($5::text IS NULL OR u.region_code = $6::text)
      GROUP BY 1
    ), orgs AS (
      SELECT left(o.region_code, 9) || '000' AS street, count(*)::int AS organizations,
        coalesce(sum(o.member_count), 0)::int AS members
      FROM party_orgs o
      WHERE o.domain = 'new_economy' AND o.region_code IS NOT NULL AND ($7::text IS NULL OR o.region_code LIKE $8::text || '%')
    AND ($9::text IS NULL OR left(o.region_code, 9) = $10::text)
    AND ($11::text IS NULL OR o.region_code = $12::text)
      GROUP BY 1
    )
    SELECT s.code AS "streetCode", s.name AS "streetName",
      coalesce(h.hubs, 0) AS hubs, coalesce(h.org_covered, 0) AS "hubsOrgCovered",
      coalesce(h.work_only, 0) AS "hubsWorkOnly", coalesce(h.uncovered, 0) AS "hubsUncovered",
      coalesce(h.workers, 0) AS workers, coalesce(h.workers_covered, 0) AS "workersOrgCovered",
      coalesce(o.organizations, 0) AS organizations, coalesce(o.members, 0) AS "organizationMembers",
      ST_X(ST_PointOnSurface(s.boundary)) AS lon, ST_Y(ST_PointOnSurface(s.boundary)) AS lat,
      ST_XMin(s.boundary) AS xmin, ST_YMin(s.boundary) AS ymin, ST_XMax(s.boundary) AS xmax, ST_YMax(s.boundary) AS ymax
    FROM regions s
    LEFT JOIN hubs h ON h.street = s.code
    LEFT JOIN orgs o ON o.street = s.code
    WHERE s.level = 'street' AND ($13::text IS NULL OR s.code LIKE $14::text || '%')
    AND ($15::text IS NULL OR left(s.code, 9) = $16::text)
    AND ($17::text IS NULL OR s.code = $18::text)
    ORDER BY s.code;

-- countOrgStatusByStreet
SELECT CASE WHEN right(o.region_code, 6) = '000000' THEN o.region_code ELSE left(o.region_code, 9) || '000' END AS "regionCode",
      count(*)::int AS organizations,
      count(*) FILTER (WHERE o.status = 'weak')::int AS weak,
      count(*) FILTER (WHERE o.status = 'rectifying')::int AS rectifying
    FROM party_orgs o
    WHERE o.region_code IS NOT NULL AND ($1::text IS NULL OR o.region_code LIKE $2::text || '%')
    AND ($3::text IS NULL OR left(o.region_code, 9) = $4::text)
    AND ($5::text IS NULL OR o.region_code = $6::text)
      AND ($7::text IS NULL OR o.domain = $8::text)
    GROUP BY 1 ORDER BY 1;

-- findHollowSuspects
SELECT o.code, o.name, o.tier, o.domain, o.status, o.member_count AS members,
      to_char(o.last_activity_on, 'YYYY-MM-DD') AS "lastActivityOn",
      o.member_count = 0 AS "noMembers",
      (o.member_count > 0 AND o.last_activity_on IS NOT NULL
        AND o.last_activity_on < ($1::date - make_interval(months => $2::int))::date) AS "noActivity",
      o.region_code AS "regionCode",
    (SELECT name FROM regions r WHERE r.code = o.region_code AND r.level = 'community') AS "communityName",
    CASE WHEN o.region_code IS NOT NULL AND right(o.region_code, 6) <> '000000' THEN left(o.region_code, 9) || '000' END AS "streetCode",
    (SELECT name FROM regions r WHERE r.code = left(o.region_code, 9) || '000' AND r.level = 'street') AS "streetName",
    ST_X(o.location) AS lon, ST_Y(o.location) AS lat, count(*) OVER ()::int AS total
    FROM party_orgs o
    WHERE (o.member_count = 0 OR (o.last_activity_on IS NOT NULL
             AND o.last_activity_on < ($3::date - make_interval(months => $4::int))::date))
      AND ($5::text IS NULL OR o.region_code LIKE $6::text || '%')
    AND ($7::text IS NULL OR left(o.region_code, 9) = $8::text)
    AND ($9::text IS NULL OR o.region_code = $10::text)
      AND ($11::text IS NULL OR o.domain = $12::text)
      AND ($13::text IS NULL OR o.status = $14::text)
    ORDER BY o.region_code, o.code
    LIMIT $15 OFFSET $16;

-- findJointCandidates
SELECT u.code, u.name, u.kind, u.formal_party_members AS members, coalesce(c.mode, 'none') AS coverage,
      u.region_code AS "regionCode", ST_X(u.location) AS lon, ST_Y(u.location) AS lat,
      CASE WHEN u.footprint IS NOT NULL THEN u.id ELSE (
        SELECT b.id FROM units b
        WHERE b.footprint IS NOT NULL AND b.footprint && u.location AND ST_Covers(b.footprint, u.location)
        ORDER BY ST_Area(b.footprint), b.id LIMIT 1) END AS "siteId"
    FROM units u
    LEFT JOIN unit_coverage c ON c.unit_id = u.id
    WHERE u.formal_party_members BETWEEN 1 AND 2 AND (c.mode IS NULL OR c.mode = 'work')
      AND u.region_code IS NOT NULL
      AND ($1::text IS NULL OR u.region_code LIKE $2::text || '%')
    AND ($3::text IS NULL OR left(u.region_code, 9) = $4::text)
    AND ($5::text IS NULL OR u.region_code = $6::text)
    ORDER BY u.code;

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

-- findOrgProfile
SELECT o.code, o.name, o.tier, o.domain, o.establishment, o.status, o.star_rating AS "starRating",
      o.member_count AS members, o.formal_members AS "formalMembers",
      to_char(o.last_activity_on, 'YYYY-MM-DD') AS "lastActivityOn", o.has_branch_committee AS "hasBranchCommittee",
      o.secretary_name AS "secretaryName", o.secretary_phone AS "secretaryPhone",
      p.code AS "parentCode", p.name AS "parentName",
      coalesce((SELECT json_agg(json_build_object('year', s.year, 'starRating', s.star_rating) ORDER BY s.year)
                FROM party_org_star_ratings s WHERE s.party_org_id = o.id), '[]'::json) AS "starHistory",
      coalesce((SELECT json_agg(json_build_object('code', u.code, 'name', u.name, 'mode', c.mode) ORDER BY u.code)
                FROM unit_coverage c JOIN units u ON u.id = c.unit_id
                WHERE c.party_org_id = o.id AND left(u.region_code, $1::int) = $2::text), '[]'::json) AS "coveredUnits",
      coalesce((SELECT array_agg(pr.region_code ORDER BY pr.region_code) FROM party_org_regions pr
                WHERE pr.party_org_id = o.id AND left(pr.region_code, $3::int) = $4::text), '{}') AS "regionCodes",
      o.region_code AS "regionCode",
    (SELECT name FROM regions r WHERE r.code = o.region_code AND r.level = 'community') AS "communityName",
    CASE WHEN o.region_code IS NOT NULL AND right(o.region_code, 6) <> '000000' THEN left(o.region_code, 9) || '000' END AS "streetCode",
    (SELECT name FROM regions r WHERE r.code = left(o.region_code, 9) || '000' AND r.level = 'street') AS "streetName",
    ST_X(o.location) AS lon, ST_Y(o.location) AS lat
    FROM party_orgs o LEFT JOIN party_orgs p ON p.id = o.parent_id
    WHERE o.code = $5 AND ($6::text IS NULL OR o.region_code LIKE $7::text || '%')
    AND ($8::text IS NULL OR left(o.region_code, 9) = $9::text)
    AND ($10::text IS NULL OR o.region_code = $11::text);

-- findShouldEstablish
SELECT u.code, u.name, u.kind, u.employees, u.formal_party_members AS members,
      coalesce(c.mode, 'none') AS coverage, o.code AS "orgCode", o.name AS "orgName",
      c.instructor_name AS "instructorName", u.region_code AS "regionCode",
    (SELECT name FROM regions r WHERE r.code = u.region_code AND r.level = 'community') AS "communityName",
    CASE WHEN u.region_code IS NOT NULL AND right(u.region_code, 6) <> '000000' THEN left(u.region_code, 9) || '000' END AS "streetCode",
    (SELECT name FROM regions r WHERE r.code = left(u.region_code, 9) || '000' AND r.level = 'street') AS "streetName",
    ST_X(u.location) AS lon, ST_Y(u.location) AS lat, count(*) OVER ()::int AS total
    FROM units u
    LEFT JOIN unit_coverage c ON c.unit_id = u.id
    LEFT JOIN party_orgs o ON o.id = c.party_org_id
    WHERE ("u"."formal_party_members" >= 3 AND ("c"."mode" IS NULL OR "c"."mode" <> 'own'))
      AND ($1::text IS NULL OR u.region_code LIKE $2::text || '%')
    AND ($3::text IS NULL OR left(u.region_code, 9) = $4::text)
    AND ($5::text IS NULL OR u.region_code = $6::text)
      AND ($7::text IS NULL OR CASE u.kind WHEN $8 THEN $9 WHEN $10 THEN $11 WHEN $12 THEN $13 WHEN $14 THEN $15 WHEN $16 THEN $17 WHEN $18 THEN $19 WHEN $20 THEN $21 WHEN $22 THEN $23 WHEN $24 THEN $25 WHEN $26 THEN $27 WHEN $28 THEN $29 END = $30::text)
      AND ($31::text IS NULL OR coalesce(c.mode, 'none') = $32::text)
    ORDER BY u.region_code, u.code
    LIMIT $33 OFFSET $34;

-- findTierMismatches
WITH o AS (
      SELECT o.*, CASE WHEN o.member_count >= $1::int THEN 'committee'
                       WHEN o.member_count >= $2::int THEN 'general_branch'
                       WHEN o.member_count >= $3::int THEN 'branch' ELSE 'none' END AS expected,
        o.tier IN ('branch', 'joint_branch', 'temporary_branch') AS is_branch
      FROM party_orgs o
      WHERE ($4::text IS NULL OR o.region_code LIKE $5::text || '%')
    AND ($6::text IS NULL OR left(o.region_code, 9) = $7::text)
    AND ($8::text IS NULL OR o.region_code = $9::text)
        AND ($10::text IS NULL OR o.domain = $11::text)
        AND ($12::text IS NULL OR o.status = $13::text)
    )
    SELECT o.code, o.name, o.tier, o.domain, o.status, o.member_count AS members,
      o.has_branch_committee AS "hasBranchCommittee", o.region_code AS "regionCode",
    (SELECT name FROM regions r WHERE r.code = o.region_code AND r.level = 'community') AS "communityName",
    CASE WHEN o.region_code IS NOT NULL AND right(o.region_code, 6) <> '000000' THEN left(o.region_code, 9) || '000' END AS "streetCode",
    (SELECT name FROM regions r WHERE r.code = left(o.region_code, 9) || '000' AND r.level = 'street') AS "streetName",
    ST_X(o.location) AS lon, ST_Y(o.location) AS lat, count(*) OVER ()::int AS total
    FROM o
    WHERE (CASE WHEN o.is_branch THEN 'branch' ELSE o.tier END) <> o.expected
       OR (o.is_branch AND o.has_branch_committee IS NOT NULL
           AND o.has_branch_committee <> (o.member_count >= $14::int))
    ORDER BY o.region_code, o.code
    LIMIT $15 OFFSET $16;

-- findUnitProfile
SELECT u.code, u.name, u.kind, u.employees, u.formal_party_members AS members,
      coalesce(c.mode, 'none') AS coverage, ("u"."formal_party_members" >= 3 AND ("c"."mode" IS NULL OR "c"."mode" <> 'own')) AS "shouldEstablish",
      c.instructor_name AS "instructorName", u.footprint IS NOT NULL AS "hasFootprint",
      o.code AS "orgCode", o.name AS "orgName", o.tier AS "orgTier", o.status AS "orgStatus",
      o.star_rating AS "orgStarRating", o.secretary_name AS "orgSecretaryName", o.secretary_phone AS "orgSecretaryPhone",
      o.region_code AS "orgRegionCode",
      u.region_code AS "regionCode",
    (SELECT name FROM regions r WHERE r.code = u.region_code AND r.level = 'community') AS "communityName",
    CASE WHEN u.region_code IS NOT NULL AND right(u.region_code, 6) <> '000000' THEN left(u.region_code, 9) || '000' END AS "streetCode",
    (SELECT name FROM regions r WHERE r.code = left(u.region_code, 9) || '000' AND r.level = 'street') AS "streetName",
    ST_X(u.location) AS lon, ST_Y(u.location) AS lat
    FROM units u
    LEFT JOIN unit_coverage c ON c.unit_id = u.id
    -- the covering organization if it lies in the scope or above it (another street's is not named)
    LEFT JOIN party_orgs o ON o.id = c.party_org_id AND (left(o.region_code, $1::int) = $2::text OR left($3::text, length(CASE WHEN right(o.region_code, 6) = '000000' THEN left(o.region_code, 6)
    WHEN right(o.region_code, 3) = '000' THEN left(o.region_code, 9) ELSE o.region_code END)) = CASE WHEN right(o.region_code, 6) = '000000' THEN left(o.region_code, 6)
    WHEN right(o.region_code, 3) = '000' THEN left(o.region_code, 9) ELSE o.region_code END)
    WHERE u.code = $4 AND ($5::text IS NULL OR u.region_code LIKE $6::text || '%')
    AND ($7::text IS NULL OR left(u.region_code, 9) = $8::text)
    AND ($9::text IS NULL OR u.region_code = $10::text);
