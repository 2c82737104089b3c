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
