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
      (SELECT coalesce(sum(households), 0)::int FROM population_points) AS households,
      (SELECT id::int FROM merge_runs WHERE is_published LIMIT 1) AS "publishedRun";

SELECT
      count(*) FILTER (WHERE n.min IS NOT NULL AND u.households < n.min)::int AS below,
      count(*) FILTER (WHERE u.households BETWEEN n.min AND n.max)::int AS within,
      count(*) FILTER (WHERE u.households > n.max)::int AS above,
      count(*) FILTER (WHERE n.min IS NULL)::int AS "noNorm"
    FROM unified_grids u
    JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    JOIN regions c ON c.code = u.community_code
    LEFT JOIN regions s ON s.code = c.parent_code
    LEFT JOIN regions d ON d.code = s.parent_code
    CROSS JOIN LATERAL (
      SELECT coalesce(c.households_min, s.households_min, d.households_min, CASE WHEN c.is_urban THEN 300 END) AS min,
             coalesce(c.households_max, s.households_max, d.households_max, CASE WHEN c.is_urban THEN 500 END) AS max
    ) n;

select "l"."department", "l"."version" as "layerVersion", count(g.id)::int as "count" from "grid_layers" as "l" inner join "departments" as "d" on "d"."code" = "l"."department" left join "grids" as "g" on "g"."layer_id" = "l"."id" where "l"."is_active" = $1 group by "l"."department", "l"."version", "d"."sort_order" order by "d"."sort_order";

select "level", count(*)::int as "count" from "service_centers" group by "level" order by "level";
