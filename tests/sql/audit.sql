-- countAuditedData
SELECT (SELECT count(*)::int FROM regions) AS regions,
           (SELECT count(*)::int FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.is_active) AS grids,
           (SELECT count(*)::int FROM grid_layers WHERE is_active) AS "gridLayers",
           (SELECT id::int FROM merge_runs WHERE is_published ORDER BY id DESC LIMIT 1) AS "publishedRun",
           (SELECT count(*)::int FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published) AS "unifiedGrids";

-- findAudit
select "id", "at", "actor", "action", "entity", "entity_id" as "entityId", "details" from "audit_log" order by "id" desc limit $1 offset $2;

select count(*) as "n" from "audit_log";

-- insertAudit
insert into "audit_log" ("actor", "action", "entity", "entity_id", "details") values ($1, $2, $3, $4, $5);
