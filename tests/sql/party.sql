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
WITH site AS (
      SELECT DISTINCT ON (p.id) p.id, b.id AS site_id
      FROM units b
      JOIN units p ON p.location && b.footprint AND ST_Covers(b.footprint, p.location)
      WHERE b.footprint IS NOT NULL AND p.footprint IS NULL AND p.formal_party_members BETWEEN 1 AND 2
        AND p.region_code IS NOT NULL AND ($1::text IS NULL OR p.region_code LIKE $2::text || '%')
    AND ($3::text IS NULL OR left(p.region_code, 9) = $4::text)
    AND ($5::text IS NULL OR p.region_code = $6::text)
      ORDER BY p.id, ST_Area(b.footprint), b.id
    )
    SELECT u.code, u.name, u.kind, u.formal_party_members AS members, coalesce(c.mode, 'none') AS coverage,
      u.region_code AS "regionCode", ST_X(u.location) AS lon, ST_Y(u.location) AS lat,
      CASE WHEN u.footprint IS NOT NULL THEN u.id ELSE s.site_id END AS "siteId"
    FROM units u
    LEFT JOIN unit_coverage c ON c.unit_id = u.id
    LEFT JOIN site s ON s.id = u.id
    WHERE u.formal_party_members BETWEEN 1 AND 2 AND (c.mode IS NULL OR c.mode = 'work')
      AND u.region_code IS NOT NULL
      AND ($7::text IS NULL OR u.region_code LIKE $8::text || '%')
    AND ($9::text IS NULL OR left(u.region_code, 9) = $10::text)
    AND ($11::text IS NULL OR u.region_code = $12::text)
    ORDER BY u.code;

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
