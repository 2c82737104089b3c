-- findActiveNetwork
select "id", "name" from "road_networks" where "is_active" = $1;

-- findCatchmentAreas
SELECT method, minutes, ST_Area(geom::geography) AS "areaM2" FROM catchments
    WHERE center_id = $1 ORDER BY method, minutes;

-- findCentre
SELECT c.id::int AS id, c.code, c.name, c.level, c.status, c.floor_area_m2 AS "floorAreaM2",
  c.radius_m AS "radiusM", c.region_code AS "regionCode", coalesce(r.is_urban, true) AS "isUrban",
  ST_X(c.location) AS lon, ST_Y(c.location) AS lat FROM service_centers c LEFT JOIN regions r ON r.code = c.region_code
    WHERE c.id = $1 AND TRUE;

SELECT c.id::int AS id, c.code, c.name, c.level, c.status, c.floor_area_m2 AS "floorAreaM2",
  c.radius_m AS "radiusM", c.region_code AS "regionCode", coalesce(r.is_urban, true) AS "isUrban",
  ST_X(c.location) AS lon, ST_Y(c.location) AS lat FROM service_centers c LEFT JOIN regions r ON r.code = c.region_code
    WHERE c.id = $1 AND left(c.region_code, $2::int) = $3::text;

-- findCentres
SELECT c.id::int AS id, c.code, c.name, c.level, c.status, c.floor_area_m2 AS "floorAreaM2",
  c.radius_m AS "radiusM", c.region_code AS "regionCode", coalesce(r.is_urban, true) AS "isUrban",
  ST_X(c.location) AS lon, ST_Y(c.location) AS lat FROM service_centers c LEFT JOIN regions r ON r.code = c.region_code
    ORDER BY c.id;

-- findCentresNear
SELECT c.id::int AS id, c.code, c.name, c.level, c.status, c.floor_area_m2 AS "floorAreaM2",
  c.radius_m AS "radiusM", c.region_code AS "regionCode", coalesce(r.is_urban, true) AS "isUrban",
  ST_X(c.location) AS lon, ST_Y(c.location) AS lat FROM service_centers c LEFT JOIN regions r ON r.code = c.region_code
    WHERE c.location && ST_MakeEnvelope($1, $2, $3, $4, 4326);

-- findCoverageInputVersion
SELECT coalesce(string_agg(table_name || ':' || version, ',' ORDER BY table_name), '') AS version
    FROM data_versions
    WHERE table_name IN ('merge_runs', 'population_points', 'regions', 'road_edges', 'road_networks',
                         'service_centers', 'unified_grids');

-- findDataVersion
SELECT version::text AS version FROM data_versions WHERE table_name = $1;

-- findDemand
SELECT id::float8 AS id, ST_X(location) AS x, ST_Y(location) AS y, residents AS r, households AS h, region_code AS c
    FROM population_points WHERE region_code LIKE $1 ORDER BY id;

-- findDemandNear
SELECT ST_X(location) AS lon, ST_Y(location) AS lat, residents, households
    FROM population_points
    WHERE location && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND TRUE;

SELECT ST_X(location) AS lon, ST_Y(location) AS lat, residents, households
    FROM population_points
    WHERE location && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND left(region_code, $5::int) = $6::text;

-- findRegion
select "code", "name", "level", "is_urban" as "isUrban" from "regions" where "code" = $1 and TRUE;

select "code", "name", "level", "is_urban" as "isUrban" from "regions" where "code" = $1 and left("code", $2::int) = $3::text;

-- findRoadEdges
SELECT class, ST_AsGeoJSON(geom) AS g FROM road_edges WHERE network_id = $1 ORDER BY id;

-- findScenario
select "id", "name", "region_code" as "regionCode", "solver", "objective", "method", "params", "candidates", "chosen", "covered_before" as "coveredBefore", "covered_after" as "coveredAfter", "total_residents" as "totalResidents", "optimality_gap" as "optimalityGap", "runtime_ms" as "runtimeMs", "result", "created_at" as "createdAt" from "siting_scenarios" where "id" = $1 and TRUE;

select "id", "name", "region_code" as "regionCode", "solver", "objective", "method", "params", "candidates", "chosen", "covered_before" as "coveredBefore", "covered_after" as "coveredAfter", "total_residents" as "totalResidents", "optimality_gap" as "optimalityGap", "runtime_ms" as "runtimeMs", "result", "created_at" as "createdAt" from "siting_scenarios" where "id" = $1 and left("region_code", $2::int) = $3::text;

-- findSubregions
select "code", "name", "level", "is_urban" as "isUrban" from "regions" where "code" like $1 and "level" in ($2, $3) order by "code";

-- findUnifiedGridCentroids
SELECT u.code, ST_X(ST_PointOnSurface(u.boundary)) AS lon, ST_Y(ST_PointOnSurface(u.boundary)) AS lat
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    WHERE u.community_code LIKE $1 ORDER BY u.code;

-- findUnifiedGridPoints
SELECT p.id::float8 AS "pointId", u.code
    FROM unified_grids u
    JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    JOIN population_points p ON p.region_code = u.community_code AND ST_Intersects(u.boundary, p.location)
    WHERE u.community_code LIKE $1;

-- insertRoadNetwork
update "road_networks" set "is_active" = $1 where "is_active" = $2;

insert into "road_networks" ("name", "source", "edge_count", "is_active") values ($1, $2, $3, $4) returning "id";

INSERT INTO road_edges (network_id, class, name, length_m, geom)
      SELECT $1, r.class, r.name, ST_Length(g::geography), g
      FROM json_to_recordset($2::json) AS r(class text, name text, coordinates json),
        LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(json_build_object('type', 'LineString', 'coordinates', r.coordinates)::text), 4326) AS g) AS l;

-- insertScenario
insert into "siting_scenarios" ("name", "region_code", "solver", "objective", "method", "params", "candidates", "chosen", "covered_before", "covered_after", "total_residents", "optimality_gap", "runtime_ms", "result") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning "id";

-- listScenarios
select "id", "name", "region_code" as "regionCode", "solver", "objective", "method", "chosen", "covered_before" as "coveredBefore", "covered_after" as "coveredAfter", "total_residents" as "totalResidents", "optimality_gap" as "optimalityGap", "runtime_ms" as "runtimeMs", "created_at" as "createdAt" from "siting_scenarios" where left("region_code", $1::int) = $2::text order by "id" desc;

-- replaceCatchments
delete from "catchments" where "method" = $1;
