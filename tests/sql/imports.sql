-- checkStagedGrids
WITH candidate AS MATERIALIZED (
      SELECT b.index, c.code, c.boundary AS community,
             CASE WHEN ST_NPoints(b.boundary) > 10000
                  THEN ST_SimplifyPreserveTopology(b.boundary, 0.00001) ELSE b.boundary END AS grid,
             (c.boundary ~ b.boundary AND ST_CoveredBy(b.boundary, c.boundary)) AS covers
      FROM import_staging b JOIN regions c ON c.level = 'community' AND c.boundary && b.boundary
      WHERE b.import_run_id = $1 AND b.index >= $2 AND b.index < $3 AND b.community_code IS NULL
    ), placed AS MATERIALIZED (
      -- a covering community first (the smallest code), else the largest overlap: measured only for a
      -- grid no community covers, by GEOS's robust overlay (3.9 and later; no precision grid: about
      -- twice as fast as snap-rounding on these small shapes, and the same winners)
      SELECT DISTINCT ON (index) index, code
      FROM (SELECT *, bool_or(covers) OVER (PARTITION BY index) AS covered FROM candidate) k
      ORDER BY index, covers DESC, CASE WHEN covered THEN 0 ELSE ST_Area(ST_Intersection(community, grid)) END DESC, code
    )
    SELECT s.index, s.valid, coalesce(s.reason, 'Valid Geometry') AS reason, s.empty,
           coalesce(s.area_m2, ST_Area(s.boundary::geography), 0) AS "areaM2", s.west, s.south, s.east, s.north,
           CASE WHEN ST_IsEmpty(s.boundary) THEN 1
                WHEN EXISTS (SELECT 1 FROM regions o WHERE o.level = 'district' AND ST_CoveredBy(s.boundary, o.boundary)) THEN 0
                ELSE (SELECT CASE WHEN count(*) = 0 THEN 1 ELSE greatest(0, least(1, ST_Area(ST_Difference(s.boundary, ST_Union(o.boundary))::geography) / nullif(coalesce(s.area_m2, ST_Area(s.boundary::geography)), 0))) END
                      FROM regions o WHERE o.level = 'district' AND ST_Intersects(o.boundary, s.boundary)) END AS "outsideShare",
           (s.community_code IS NULL OR EXISTS (SELECT 1 FROM regions c WHERE c.code = s.community_code AND c.level = 'community')) AS "communityKnown",
           p.code AS "containingCommunity"
    FROM import_staging s
    LEFT JOIN placed p ON p.index = s.index
    WHERE s.import_run_id = $4 AND s.index >= $5 AND s.index < $6
    ORDER BY s.index;

-- deleteStaged
delete from "import_staging" where "import_run_id" = $1 and "index" >= $2 and "index" < $3;

delete from "import_staging" where "import_run_id" = $1;

-- failInterruptedImports
update "import_runs" set "status" = $1, "error" = $2, "finished_at" = $3 where "status" = $4 returning "id";

select "id" from "import_runs" where "status" = $1;

delete from "import_staging" where "import_run_id" not in (select "id" from "import_runs" where "status" = $1);

delete from "import_staging_parts" where "import_run_id" not in (select "id" from "import_runs" where "status" = $1);

-- findImportRun
select "id", "kind", "department", "file_name" as "fileName", "format", "source_crs" as "sourceCrs", "dry_run" as "dryRun", "status", "counts", "report", "error", "started_at" as "startedAt", "finished_at" as "finishedAt", "timings" from "import_runs" where "id" = $1;

-- finishImportRun
update "import_runs" set "status" = $1, "source_crs" = $2, "counts" = $3, "report" = $4, "error" = $5, "finished_at" = $6, "timings" = $7 where "id" = $8;

-- insertGridLayerVersion
SELECT pg_advisory_xact_lock(hashtext('grid_layers:' || $1::text));

SELECT coalesce(max(version), 0)::int + 1 AS version FROM grid_layers WHERE department = $1;

update "grid_layers" set "is_active" = $1 where "department" = $2 and "is_active" = $3;

insert into "grid_layers" ("department", "version", "title", "import_run_id", "source_crs", "is_active") values ($1, $2, $3, $4, $5, $6) returning "id";

INSERT INTO grids (layer_id, code, name, community_code, households, attributes, boundary, repair_note, source_id)
      SELECT $1::bigint, r.code, r.name, r."communityCode", r.households, r.attributes,
             ST_Multi(s.boundary), s.reason, r."sourceId"
      FROM json_to_recordset($2::json)
        AS r(index int, code text, name text, "communityCode" text, households int, attributes jsonb, "sourceId" text)
      JOIN import_staging s ON s.import_run_id = $3::bigint AND s.index = r.index
      ORDER BY r.index;

-- insertImportRun
insert into "import_runs" ("kind", "department", "file_name", "format", "dry_run", "counts", "report", "source_crs", "error", "finished_at") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning "id";

-- stageGeometries
INSERT INTO import_staging (import_run_id, index, community_code, valid, reason, empty, west, south, east, north, boundary)
    SELECT $1::bigint, r.index, r."communityCode", i.valid, CASE WHEN i.valid THEN NULL ELSE ST_IsValidReason(i.g) END,
           ST_IsEmpty(i.g), ST_XMin(i.g), ST_YMin(i.g), ST_XMax(i.g), ST_YMax(i.g),
           ST_CollectionExtract(CASE WHEN i.valid THEN i.g ELSE ST_MakeValid(i.g) END, 3)
    FROM json_to_recordset($2::json) AS r(index int, geometry text, srid int, "communityCode" text),
         LATERAL (SELECT x.g, ST_IsValid(x.g) AS valid FROM (SELECT ST_Transform(ST_SetSRID(ST_GeomFromWKB(decode(r.geometry, 'hex')), r.srid), 4326) AS g OFFSET 0) x OFFSET 0) i;
