-- findSummary
SELECT
      (SELECT count(*)::int FROM regions WHERE level = 'street') AS streets,
      (SELECT count(*)::int FROM regions WHERE level = 'community') AS communities,
      (SELECT count(*)::int FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published) AS "unifiedGrids",
      (SELECT count(*)::int FROM party_orgs) AS "partyOrgs",
      (SELECT count(*)::int FROM party_orgs WHERE status = 'weak') AS weak,
      (SELECT count(*)::int FROM party_orgs WHERE status = 'hollow') AS hollow,
      (SELECT count(*)::int FROM units) AS units,
      (SELECT count(*)::int FROM units u WHERE u.formal_party_members >= 3
         AND NOT EXISTS (SELECT 1 FROM unit_coverage c WHERE c.unit_id = u.id)) AS "shouldEstablish",
      (SELECT coalesce(sum(residents), 0)::int FROM population_points) AS residents,
      (SELECT coalesce(sum(households), 0)::int FROM population_points) AS households;

select "l"."department", "l"."version" as "layerVersion", count(g.id)::int as "count" from "grid_layers" as "l" inner join "departments" as "d" on "d"."code" = "l"."department" left join "grids" as "g" on "g"."layer_id" = "l"."id" where "l"."is_active" = $1 group by "l"."department", "l"."version", "d"."sort_order" order by "d"."sort_order";

select "level", count(*)::int as "count" from "service_centers" group by "level" order by "level";

select id::int as "version", to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "publishedAt" from "merge_runs" where "is_published" = $1;
