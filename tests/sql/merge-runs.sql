-- countIssues
select "kind", count(*)::int as "n" from "merge_issues" where "merge_run_id" = $1 group by "kind";

-- countUnifiedGrids
select count(*)::int as "n" from "unified_grids" where "merge_run_id" = $1;

-- deleteRunResults
delete from "merge_issues" where "merge_run_id" = $1;

delete from "unified_grids" where "merge_run_id" = $1;

-- failInterruptedRuns
select "id" from "merge_runs" where "status" in ($1, $2);

-- findAlignment
WITH s AS (
      SELECT ugs.grid_id, ugs.overlap_m2 AS overlap, u.area_m2 AS unified_area,
             sum(ugs.overlap_m2) OVER (PARTITION BY ugs.grid_id) AS grid_area
      FROM unified_grid_sources ugs JOIN unified_grids u ON u.id = ugs.unified_grid_id AND u.merge_run_id = $1::bigint
    ), best AS (
      SELECT grid_id, max(overlap / nullif(grid_area + unified_area - overlap, 0)) AS iou,
             bool_or(overlap >= 0.9 * grid_area AND overlap >= 0.9 * unified_area) AS one_to_one
      FROM s GROUP BY grid_id
    )
    SELECT l.department, count(*)::int AS grids, avg(best.iou)::float8 AS "meanIou", avg(best.one_to_one::int)::float8 AS "oneToOneShare"
    FROM best JOIN grids g ON g.id = best.grid_id JOIN grid_layers l ON l.id = g.layer_id
    GROUP BY l.department ORDER BY l.department;

-- findCommunityCodes
select "code" from "regions" where "level" = $1 and "boundary" is not null order by "code";

-- findHouseholdData
SELECT l.id, l.department FROM grid_layers l JOIN grids g ON g.layer_id = l.id
    WHERE l.id = ANY($1::bigint[])
    GROUP BY l.id, l.department HAVING count(*) = count(g.households)
    ORDER BY l.department;

SELECT EXISTS (SELECT 1 FROM population_points) AS any;

-- findLatestSucceededRun
select "id", "status", "strategy", "params", "layer_ids" as "layerIds", "progress", "stats", "alignment", "error", "error_en" as "errorEn", "household_source" as "householdSource", "is_published" as "isPublished", "started_at" as "startedAt", "finished_at" as "finishedAt", "published_at" as "publishedAt" from "merge_runs" where "status" = $1 order by "id" desc limit $2;

-- findLayersForMerge
select "id", "department" from "grid_layers" where "is_active" = $1 order by "department";

select "id", "department" from "grid_layers" where "id" in ($1, $2, $3, $4) order by "department";

-- findMergeRun
select "id", "status", "strategy", "params", "layer_ids" as "layerIds", "progress", "stats", "alignment", "error", "error_en" as "errorEn", "household_source" as "householdSource", "is_published" as "isPublished", "started_at" as "startedAt", "finished_at" as "finishedAt", "published_at" as "publishedAt" from "merge_runs" where "id" = $1;

-- findMetricSrid
SELECT ST_X(ST_Centroid(ST_Extent(boundary)::geometry)) AS lon FROM regions WHERE level = 'community';

-- findPublishedRun
select "id", "status", "strategy", "params", "layer_ids" as "layerIds", "progress", "stats", "alignment", "error", "error_en" as "errorEn", "household_source" as "householdSource", "is_published" as "isPublished", "started_at" as "startedAt", "finished_at" as "finishedAt", "published_at" as "publishedAt" from "merge_runs" where "is_published" = $1;

-- insertMergeRun
insert into "merge_runs" ("strategy", "params", "layer_ids", "stats", "alignment", "error", "household_source", "finished_at", "published_at") values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning "id";

-- publishRun
update "merge_runs" set "is_published" = $1 where "is_published" = $2;

update "merge_runs" set "is_published" = $1, "published_at" = $2 where "id" = $3;

-- updateMergeRun
update "merge_runs" set "status" = $1 where "id" = $2;

update "merge_runs" set "progress" = $1 where "id" = $2;

update "merge_runs" set "status" = $1, "progress" = $2, "stats" = $3, "alignment" = $4, "finished_at" = $5 where "id" = $6;
