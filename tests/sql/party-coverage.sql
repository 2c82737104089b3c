-- countCoverageCells
-- each published grid's shape tested against the rows of its community found through the location
    -- index, grid by grid (PostGIS prepares one shape for many points; a CTE of the grids would hide
    -- the index from the planner); a row on the edge of two grids goes to the lower code
    WITH g AS (
      SELECT g.code, g.community_code, g.population
      FROM unified_grids g JOIN merge_runs m ON m.id = g.merge_run_id AND m.is_published
      WHERE ($1::text IS NULL OR g.community_code LIKE $2::text || '%')
    ), unit_grid AS (
      SELECT u.id, min(g.code) AS grid
      FROM unified_grids g JOIN merge_runs m ON m.id = g.merge_run_id AND m.is_published
      JOIN units u ON u.region_code = g.community_code AND u.location && g.boundary AND ST_Covers(g.boundary, u.location)
      WHERE ($3::text IS NULL OR g.community_code LIKE $4::text || '%')
      GROUP BY u.id
    ), org_grid AS (
      SELECT o.id, min(g.code) AS grid
      FROM unified_grids g JOIN merge_runs m ON m.id = g.merge_run_id AND m.is_published
      JOIN party_orgs o ON o.region_code = g.community_code AND o.location && g.boundary AND ST_Covers(g.boundary, o.location)
      WHERE ($5::text IS NULL OR g.community_code LIKE $6::text || '%')
      GROUP BY o.id
    ), u AS (
      SELECT u.region_code, ug.grid, count(*)::int AS units,
        count(*) FILTER (WHERE c.mode IN ('own', 'joint', 'affiliated'))::int AS org_covered,
        count(*) FILTER (WHERE c.mode = 'work')::int AS work_only,
        count(*) FILTER (WHERE c.mode IS NULL)::int AS uncovered,
        count(*) FILTER (WHERE ("u"."formal_party_members" >= 3 AND ("c"."mode" IS NULL OR "c"."mode" <> 'own')))::int AS should_establish
      FROM units u LEFT JOIN unit_coverage c ON c.unit_id = u.id LEFT JOIN unit_grid ug ON ug.id = u.id
      WHERE u.region_code IS NOT NULL AND ($7::text IS NULL OR u.region_code LIKE $8::text || '%')
      GROUP BY 1, 2
    ), o AS (
      SELECT o.region_code, og.grid,
        count(*) FILTER (WHERE o.status = 'normal')::int AS normal,
        count(*) FILTER (WHERE o.status = 'weak')::int AS weak,
        count(*) FILTER (WHERE o.status = 'rectifying')::int AS rectifying,
        count(*) FILTER (WHERE o.status = 'hollow')::int AS hollow,
        coalesce(sum(o.star_rating), 0)::int AS star_sum, count(o.star_rating)::int AS star_rated,
        coalesce(sum(o.member_count) FILTER (WHERE NOT EXISTS (SELECT 1 FROM party_orgs k WHERE k.parent_id = o.id)), 0)::int AS members
      FROM party_orgs o LEFT JOIN org_grid og ON og.id = o.id
      WHERE o.region_code IS NOT NULL AND ($9::text IS NULL OR o.region_code LIKE $10::text || '%')
      GROUP BY 1, 2
    ), r AS (
      -- a grid's residents are those the merge counted in it (unified_grids.population: the points of
      -- its community inside it); the rest of a region's residents are outside its grids
      SELECT g.community_code AS region_code, g.code AS grid, g.population AS residents FROM g
      UNION ALL
      SELECT pr.region_code, NULL, (pr.residents - coalesce(gr.residents, 0))::int
      FROM (SELECT pp.region_code, sum(pp.residents) AS residents FROM population_points pp
            WHERE pp.region_code IS NOT NULL AND ($11::text IS NULL OR pp.region_code LIKE $12::text || '%')
            GROUP BY pp.region_code) pr
      -- joined, not a subquery per region: that scanned every grid once per region (quadratic)
      LEFT JOIN (SELECT community_code, sum(population) AS residents FROM g GROUP BY community_code) gr
        ON gr.community_code = pr.region_code
    ), cells AS (
      SELECT region_code, grid FROM u UNION SELECT region_code, grid FROM o UNION SELECT region_code, grid FROM r
    )
    SELECT k.region_code AS "regionCode", k.grid AS "gridCode",
      coalesce(u.units, 0) AS units, coalesce(u.org_covered, 0) AS "orgCovered", coalesce(u.work_only, 0) AS "workOnly",
      coalesce(u.uncovered, 0) AS uncovered, coalesce(u.should_establish, 0) AS "shouldEstablish",
      coalesce(o.normal, 0) AS "orgsNormal", coalesce(o.weak, 0) AS "orgsWeak",
      coalesce(o.rectifying, 0) AS "orgsRectifying", coalesce(o.hollow, 0) AS "orgsHollow",
      coalesce(o.star_sum, 0) AS "starSum", coalesce(o.star_rated, 0) AS "starRated",
      coalesce(o.members, 0) AS members, coalesce(r.residents, 0) AS residents
    FROM cells k
    LEFT JOIN u ON u.region_code = k.region_code AND u.grid IS NOT DISTINCT FROM k.grid
    LEFT JOIN o ON o.region_code = k.region_code AND o.grid IS NOT DISTINCT FROM k.grid
    LEFT JOIN r ON r.region_code = k.region_code AND r.grid IS NOT DISTINCT FROM k.grid
    ORDER BY 1, 2;

-- findCoverageRegions
SELECT r.code, r.name, r.level, r.parent_code AS "parentCode",
      CASE WHEN r.level = 'community' THEN ST_Extent(r.boundary)::text
           ELSE (SELECT ST_Extent(c.boundary)::text FROM regions c
                 WHERE c.level = 'community' AND c.code LIKE (CASE WHEN r.level = 'street' THEN left(r.code, 9)
                   WHEN r.level = 'district' THEN left(r.code, 6) ELSE left(r.code, 4) END) || '%') END AS box
    FROM regions r
    WHERE ($1::text IS NULL OR r.code LIKE $2::text || '%')
    GROUP BY r.code
    ORDER BY r.code;

-- findPublishedGrids
SELECT g.code, g.community_code AS "communityCode", ST_Extent(g.boundary)::text AS box
    FROM unified_grids g JOIN merge_runs m ON m.id = g.merge_run_id AND m.is_published
    WHERE ($1::text IS NULL OR g.community_code LIKE $2::text || '%')
    GROUP BY g.code, g.community_code
    ORDER BY g.code;
