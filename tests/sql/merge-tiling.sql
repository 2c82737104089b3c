-- findRunTiling
WITH community AS MATERIALIZED (
      SELECT code, name, boundary, geom, ST_Area(geom) AS area
      FROM (SELECT code, name, boundary, ST_Transform(ST_Segmentize(boundary, $1::float8), 32649) AS geom FROM regions WHERE level = 'community' AND boundary IS NOT NULL AND code = ANY($2::text[])) c
    ), grid AS MATERIALIZED (
      SELECT g.*, ST_Area(ST_Intersection(g.geom, c.geom, $3::float8)) AS inside,
             ST_Area(ST_Difference(g.geom, c.geom, $4::float8)) AS outside
      FROM (
        SELECT u.id, u.community_code, u.boundary, ST_Transform(ST_Segmentize(u.boundary, $5::float8), 32649) AS geom,
               ST_Area(u.boundary::geography) AS area, ST_Perimeter(u.boundary::geography) AS perimeter
        FROM unified_grids u JOIN community c ON c.code = u.community_code
        WHERE u.merge_run_id = $6::bigint
      ) g JOIN community c ON c.code = g.community_code
    ), measured AS (
      SELECT array_agg(code) AS codes FROM community
    ), met AS MATERIALIZED (
      -- every pair of the run's grids whose shapes meet, overlaid once: a pair of two measured grids
      -- from the side of the lower id, one with a grid of a community not measured here from the
      -- measured side
      SELECT g.id, g.community_code, o.community_code AS other_community, o.id AS other, o.community_code = ANY(m.codes) AS measured,
             ST_Area(ST_Intersection(g.geom, ST_Transform(ST_Segmentize(o.boundary, $7::float8), 32649), $8::float8)) AS area
      FROM grid g CROSS JOIN measured m
      JOIN unified_grids o ON o.merge_run_id = $9::bigint AND o.id <> g.id AND o.boundary && g.boundary
       -- robust: every pair whose boxes meet is overlaid (a pair that does not meet adds nothing), as
       -- GEOS 3.11's predicate can throw "side location conflict" where grids meet at a node
       AND ST_Intersects(o.boundary, g.boundary)
      WHERE g.id < o.id OR NOT o.community_code = ANY(m.codes)
    ), pair AS (
      -- each pair met from either of its grids, the community's grid on either side
      SELECT id, community_code, other_community, other, area FROM met
      UNION ALL
      SELECT other, other_community, community_code, id, area FROM met WHERE measured
    ), overlap AS (
      SELECT community_code, max(area) AS largest,
             -- each pair of the community's own grids once, for the land they cover twice
             sum(area) FILTER (WHERE other_community = community_code AND id < other) AS inside_twice
      FROM pair GROUP BY community_code
    ), cover AS (
      SELECT community_code, count(*)::int AS grids, min(area) AS smallest, sum(inside) AS inside, sum(outside) AS outside
      FROM grid GROUP BY community_code
    ), vertex AS (
      SELECT g.community_code, max(ST_Distance(p.geom::geography, ST_ClosestPoint(c.boundary, p.geom)::geography)) AS farthest
      FROM grid g JOIN community c ON c.code = g.community_code
      CROSS JOIN LATERAL ST_DumpPoints(g.boundary) p
      WHERE NOT ST_Intersects(c.boundary, p.geom)
      GROUP BY g.community_code
    ), sliver AS (
      SELECT g.community_code, count(*)::int AS n
      FROM grid g JOIN community c ON c.code = g.community_code
      WHERE (g.area < $10::float8
             OR g.area <= $11::float8 AND 4 * pi() * g.area / nullif(g.perimeter * g.perimeter, 0) < $12::float8)
        -- a whole community, or a whole part of one (an island), may be as small or thin as it is
        AND NOT EXISTS (
          SELECT 1 FROM ST_Dump(c.boundary) part
          WHERE ST_Intersects(part.geom, ST_PointOnSurface(g.boundary))
            AND abs(ST_Area(part.geom::geography) - g.area) <= 0.01 * g.area + 0.5
        )
      GROUP BY g.community_code
    ), figures AS (
      SELECT c.code, c.name, coalesce(v.grids, 0) AS grids,
             greatest(0, c.area - coalesce(v.inside, 0) + coalesce(o.inside_twice, 0)) AS uncovered, coalesce(v.outside, 0) AS outside,
             coalesce(o.largest, 0) AS largest, coalesce(x.farthest, 0) AS farthest, coalesce(s.n, 0) AS slivers, v.smallest
      FROM community c
      LEFT JOIN cover v ON v.community_code = c.code
      LEFT JOIN overlap o ON o.community_code = c.code
      LEFT JOIN vertex x ON x.community_code = c.code
      LEFT JOIN sliver s ON s.community_code = c.code
    )
    SELECT code, name, grids, uncovered + outside AS "symDifferenceM2", uncovered AS "uncoveredM2", outside AS "outsideM2",
           largest AS "maxOverlapM2", farthest AS "maxVertexOutsideM", slivers, smallest AS "smallestGridM2"
    FROM figures ORDER BY code;
