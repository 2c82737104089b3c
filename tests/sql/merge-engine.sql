-- readRunInputs
SELECT json_agg(t)::text AS json, count(*)::int AS count
    FROM (SELECT "code", "name", "level", "parent_code", "is_urban", encode(ST_AsEWKB("boundary"), 'hex') AS "boundary" FROM "regions" WHERE true) t;

SELECT json_agg(t)::text AS json, count(*)::int AS count
    FROM (SELECT "id", "department", "version", "title", "source_crs", "is_active" FROM "grid_layers" WHERE id = ANY($1::bigint[])) t;

-- readStepInputs
SELECT json_agg(t)::text AS json, count(*)::int AS count
    FROM (SELECT "id", "layer_id", "code", "name", "community_code", "households", "population", "repair_note", encode(ST_AsEWKB("boundary"), 'hex') AS "boundary" FROM "grids" WHERE layer_id = ANY($1::bigint[]) AND id IN (
      SELECT id FROM grids WHERE community_code = ANY($2::text[])
      UNION SELECT g.id FROM regions c JOIN grids g ON g.boundary && c.boundary WHERE c.code = ANY($3::text[]))) t;

SELECT json_agg(t)::text AS json, count(*)::int AS count
    FROM (SELECT "id", "region_code", "residents", "households", encode(ST_AsEWKB("location"), 'hex') AS "location" FROM "population_points" WHERE region_code = ANY($1::text[])) t;

SELECT json_agg(t)::text AS json, count(*)::int AS count
    FROM (SELECT "merge_run_id", "code", "community_code", "area_m2", "households", "population", encode(ST_AsEWKB("boundary"), 'hex') AS "boundary" FROM "unified_grids" WHERE merge_run_id = $1::bigint AND community_code = ANY($2::text[])) t;

-- readTilingInputs
WITH own AS MATERIALIZED (
      SELECT boundary FROM unified_grids WHERE merge_run_id = $1::bigint AND community_code = ANY($2::text[])
    )
    SELECT json_agg(t)::text AS json, count(*)::int AS count
    FROM (SELECT u.id, "u"."merge_run_id", "u"."code", "u"."community_code", "u"."area_m2", "u"."households", "u"."population", encode(ST_AsEWKB(u.boundary), 'hex') AS boundary
          FROM unified_grids u
          WHERE u.merge_run_id = $3::bigint
            AND (u.community_code = ANY($4::text[]) OR EXISTS (SELECT 1 FROM own WHERE own.boundary && u.boundary))) t;
