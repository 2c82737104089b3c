-- countCoverageCells
WITH g AS (
      SELECT g.code, g.community_code, g.population
      FROM unified_grids g JOIN merge_runs m ON m.id = g.merge_run_id AND m.is_published
      WHERE ($1::text IS NULL OR g.community_code LIKE $2::text || '%')
    ), unit_grid AS (
      SELECT i.id::bigint AS id, g.grid
      FROM unnest(string_to_array($3::text, ',')) WITH ORDINALITY AS i(id, n)
      JOIN json_array_elements_text($4::json) WITH ORDINALITY AS g(grid, n) ON g.n = i.n
    ), org_grid AS (
      SELECT i.id::bigint AS id, g.grid
      FROM unnest(string_to_array($5::text, ',')) WITH ORDINALITY AS i(id, n)
      JOIN json_array_elements_text($6::json) WITH ORDINALITY AS g(grid, n) ON g.n = i.n
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
      FROM json_to_recordset($11::json) AS pr(region_code text, residents bigint)
      -- joined, not a subquery per region: that scanned every grid once per region (quadratic)
      LEFT JOIN (SELECT community_code, sum(population) AS residents FROM g GROUP BY community_code) gr
        ON gr.community_code = pr.region_code
    )
    -- one row per cell: the three parts stacked and summed (each part has one row per cell at most);
    -- joining them on the cell instead made the planner expect enough rows to compile the query (JIT)
    SELECT region_code AS "regionCode", grid AS "gridCode",
      sum(units)::int AS units, sum(org_covered)::int AS "orgCovered", sum(work_only)::int AS "workOnly",
      sum(uncovered)::int AS uncovered, sum(should_establish)::int AS "shouldEstablish",
      sum(normal)::int AS "orgsNormal", sum(weak)::int AS "orgsWeak",
      sum(rectifying)::int AS "orgsRectifying", sum(hollow)::int AS "orgsHollow",
      sum(star_sum)::int AS "starSum", sum(star_rated)::int AS "starRated",
      sum(members)::int AS members, sum(residents)::int AS residents
    FROM (
      SELECT region_code, grid, units, org_covered, work_only, uncovered, should_establish,
        0 AS normal, 0 AS weak, 0 AS rectifying, 0 AS hollow, 0 AS star_sum, 0 AS star_rated, 0 AS members, 0 AS residents
      FROM u
      UNION ALL
      SELECT region_code, grid, 0, 0, 0, 0, 0, normal, weak, rectifying, hollow, star_sum, star_rated, members, 0 FROM o
      UNION ALL
      SELECT region_code, grid, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, residents FROM r
    ) k
    GROUP BY 1, 2
    ORDER BY 1, 2;

-- findCoverageGridAssignment
WITH a AS (
      SELECT 'unit' AS kind, u.id, min(g.code) AS grid
      FROM unified_grids g JOIN merge_runs m ON m.id = g.merge_run_id AND m.is_published
      JOIN units u ON u.region_code = g.community_code AND u.location && g.boundary AND ST_Covers(g.boundary, u.location)
      WHERE ($1::text IS NULL OR g.community_code LIKE $2::text || '%')
      GROUP BY u.id
      UNION ALL
      SELECT 'org', o.id, min(g.code)
      FROM unified_grids g JOIN merge_runs m ON m.id = g.merge_run_id AND m.is_published
      JOIN party_orgs o ON o.region_code = g.community_code AND o.location && g.boundary AND ST_Covers(g.boundary, o.location)
      WHERE ($3::text IS NULL OR g.community_code LIKE $4::text || '%')
      GROUP BY o.id
    )
    SELECT kind, string_agg(id::text, ',' ORDER BY id) AS ids, json_agg(grid ORDER BY id)::text AS grids
    FROM a GROUP BY kind;

SELECT coalesce(json_agg(json_build_object('region_code', region_code, 'residents', residents)), '[]')::text AS residents
    FROM (SELECT pp.region_code, sum(pp.residents) AS residents FROM population_points pp
          WHERE pp.region_code IS NOT NULL AND ($1::text IS NULL OR pp.region_code LIKE $2::text || '%')
          GROUP BY pp.region_code) r;

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

-- readCoverageGridVersion
SELECT coalesce((SELECT string_agg(id::text, ',' ORDER BY id) FROM merge_runs WHERE is_published), '') || '|' ||
      coalesce((SELECT string_agg(table_name || ':' || version, ',' ORDER BY table_name) FROM data_versions
                WHERE table_name IN ('merge_runs', 'party_orgs', 'population_points', 'unified_grids', 'units')), '') AS version;
