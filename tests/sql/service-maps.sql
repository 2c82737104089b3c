-- findGridBranch
SELECT o.name, o.tier, o.member_count::int AS "memberCount", o.secretary_name AS "secretaryName",
           o.secretary_phone AS "secretaryPhone"
    FROM party_orgs o, unified_grids g
    WHERE g.id = $1
      AND ((o.location IS NOT NULL AND ST_Intersects(o.location, g.boundary)) OR o.region_code = $2)
    ORDER BY (o.location IS NOT NULL AND ST_Intersects(o.location, g.boundary)) DESC,
             o.tier IN ('branch', 'joint_branch') DESC, o.name
    LIMIT 1;

-- findGridStaff
SELECT DISTINCT st.role, st.name, st.phone,
           CASE st.role WHEN 'chief' THEN 0 WHEN 'full_time' THEN 1 WHEN 'part_time' THEN 2 ELSE 3 END AS rank
    FROM unified_grid_sources src
    JOIN grid_staff st ON st.grid_id = src.grid_id
    WHERE src.unified_grid_id = $1
    ORDER BY rank, st.name;

-- findLandmarks
SELECT 'center' AS kind, name, level AS detail, ST_X(location) AS lon, ST_Y(location) AS lat
    FROM service_centers WHERE location && ST_MakeEnvelope($1, $2, $3, $4, 4326)
    UNION ALL
    SELECT 'org' AS kind, name, tier AS detail, ST_X(location) AS lon, ST_Y(location) AS lat
    FROM party_orgs WHERE location IS NOT NULL AND location && ST_MakeEnvelope($5, $6, $7, $8, 4326)
    ORDER BY kind, name;

-- findNeighbourGrids
SELECT n.code, ST_AsGeoJSON(n.boundary, 7) AS geojson
    FROM unified_grids g
    JOIN unified_grids n ON n.merge_run_id = g.merge_run_id AND n.id <> g.id
      AND ST_DWithin(n.boundary, g.boundary, 0.00005)
    WHERE g.id = $1
    ORDER BY n.code;

-- findPublishedGrids
SELECT u.id::int, u.code, u.community_code AS "communityCode", c.name AS "communityName",
           s.name AS "streetName", u.households::int, u.population::int,
           ST_AsGeoJSON(u.boundary, 7) AS geojson,
           ST_XMin(u.boundary) AS w, ST_YMin(u.boundary) AS s, ST_XMax(u.boundary) AS e, ST_YMax(u.boundary) AS n
    FROM unified_grids u
    JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    JOIN regions c ON c.code = u.community_code
    LEFT JOIN regions s ON s.code = c.parent_code
    WHERE u.code = $1
      AND ($2::text IS NULL OR u.community_code LIKE $3 || '%')
    ORDER BY u.code;

SELECT u.id::int, u.code, u.community_code AS "communityCode", c.name AS "communityName",
           s.name AS "streetName", u.households::int, u.population::int,
           ST_AsGeoJSON(u.boundary, 7) AS geojson,
           ST_XMin(u.boundary) AS w, ST_YMin(u.boundary) AS s, ST_XMax(u.boundary) AS e, ST_YMax(u.boundary) AS n
    FROM unified_grids u
    JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    JOIN regions c ON c.code = u.community_code
    LEFT JOIN regions s ON s.code = c.parent_code
    WHERE u.community_code = $1
      AND ($2::text IS NULL OR u.community_code LIKE $3 || '%')
    ORDER BY u.code;
