-- findRegionsAround
SELECT json_agg(t)::text AS json, count(*)::int AS count
    FROM (SELECT "code", "name", "level", "parent_code", "is_urban", encode(ST_AsEWKB("boundary"), 'hex') AS "boundary" FROM "regions" WHERE (level IN ('community', 'district')
          AND boundary && ST_Expand(ST_MakeEnvelope($1, $2, $3, $4, 4326), 0.00001))
        OR (level = 'community' AND code = $5::text)) t;

-- insertStagedCopy
INSERT INTO import_staging_parts (import_run_id, index, part, bytes)
      VALUES ($1, $2, $3, decode($4, 'hex'));

INSERT INTO import_staging (import_run_id, index, community_code, valid, reason, empty, west, south, east, north, area_m2, boundary)
      VALUES ($1, $2, $3, $4, $5, $6,
              $7, $8, $9, $10, $11,
              (SELECT ST_GeomFromEWKB(string_agg(p.bytes, ''::bytea ORDER BY p.part)) FROM import_staging_parts p
               WHERE p.import_run_id = $12 AND p.index = $13));

delete from "import_staging_parts" where "import_run_id" = $1 and "index" = $2;
