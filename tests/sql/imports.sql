-- checkGridGeometries
SELECT r.index, ST_IsValid(t.g) AS valid, ST_IsValidReason(t.g) AS reason, ST_IsEmpty(t.g) AS empty,
           coalesce(ST_Area(t.v::geography), 0) AS "areaM2",
           ST_XMin(t.g) AS west, ST_YMin(t.g) AS south, ST_XMax(t.g) AS east, ST_YMax(t.g) AS north,
           CASE WHEN d.touching = 0 OR ST_IsEmpty(t.v) THEN 1 WHEN d.covered THEN 0
                ELSE (SELECT greatest(0, least(1, ST_Area(ST_Difference(t.v, ST_Union(o.boundary))::geography) / nullif(ST_Area(t.v::geography), 0)))
                      FROM regions o WHERE o.level = 'district' AND ST_Intersects(o.boundary, t.v)) END AS "outsideShare",
           (r."communityCode" IS NULL OR EXISTS (SELECT 1 FROM regions c WHERE c.code = r."communityCode" AND c.level = 'community')) AS "communityKnown",
           (SELECT c.code FROM regions c WHERE c.level = 'community' AND c.boundary && t.v
            ORDER BY ST_Area(ST_Intersection(c.boundary, t.v, 0.0000001)) DESC LIMIT 1) AS "containingCommunity"
    FROM json_to_recordset($1::json) AS r(index int, geometry text, srid int, "communityCode" text),
         LATERAL (SELECT i.g, ST_CollectionExtract(ST_MakeValid(i.g), 3) AS v FROM (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), r.srid), 4326) AS g) i) t,
         LATERAL (SELECT count(*) AS touching, coalesce(bool_or(ST_CoveredBy(t.v, o.boundary)), false) AS covered
                  FROM regions o WHERE o.level = 'district' AND ST_Intersects(o.boundary, t.v)) d
    ORDER BY r.index;

-- failInterruptedImports
update "import_runs" set "status" = $1, "error" = $2, "finished_at" = $3 where "status" = $4 returning "id";

-- findImportRun
select "id", "kind", "department", "file_name" as "fileName", "format", "source_crs" as "sourceCrs", "dry_run" as "dryRun", "status", "counts", "report", "error", "started_at" as "startedAt", "finished_at" as "finishedAt", "timings" from "import_runs" where "id" = $1;

-- finishImportRun
update "import_runs" set "status" = $1, "source_crs" = $2, "counts" = $3, "report" = $4, "error" = $5, "finished_at" = $6, "timings" = $7 where "id" = $8;

-- insertGridLayerVersion
SELECT pg_advisory_xact_lock(hashtext('grid_layers:' || $1::text));

SELECT coalesce(max(version), 0)::int + 1 AS version FROM grid_layers WHERE department = $1;

update "grid_layers" set "is_active" = $1 where "department" = $2 and "is_active" = $3;

insert into "grid_layers" ("department", "version", "title", "import_run_id", "source_crs", "is_active") values ($1, $2, $3, $4, $5, $6) returning "id";

INSERT INTO grids (layer_id, code, name, community_code, households, attributes, boundary, repair_note)
      SELECT $1::bigint, r.code, r.name, r."communityCode", r.households, r.attributes,
             ST_Multi(ST_CollectionExtract(ST_MakeValid(t.g), 3)),
             CASE WHEN ST_IsValid(t.g) THEN NULL ELSE ST_IsValidReason(t.g) END
      FROM json_to_recordset($2::json)
        AS r(code text, name text, "communityCode" text, households int, attributes jsonb, geometry text, srid int),
        LATERAL (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), r.srid), 4326) AS g) t;

-- insertImportRun
insert into "import_runs" ("kind", "department", "file_name", "format", "dry_run", "counts", "report", "source_crs", "error", "finished_at") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning "id";
