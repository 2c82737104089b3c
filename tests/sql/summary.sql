-- findSummary
SELECT
      (SELECT count(*)::int FROM regions WHERE level = 'street' AND TRUE) AS streets,
      (SELECT count(*)::int FROM regions WHERE level = 'community' AND TRUE) AS communities,
      (SELECT count(*)::int FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
         WHERE TRUE) AS "unifiedGrids",
      (SELECT count(*)::int FROM party_orgs WHERE TRUE) AS "partyOrgs",
      (SELECT count(*)::int FROM party_orgs WHERE status = 'weak' AND TRUE) AS weak,
      (SELECT count(*)::int FROM party_orgs WHERE status = 'hollow' AND TRUE) AS hollow,
      (SELECT count(*)::int FROM units WHERE TRUE) AS units,
      -- 应建未建 as the party rule counts it (party.repository.ts): 3+ formal members, no organization of its own
      (SELECT count(*)::int FROM units u LEFT JOIN unit_coverage c ON c.unit_id = u.id
         WHERE ("u"."formal_party_members" >= 3 AND ("c"."mode" IS NULL OR "c"."mode" <> 'own')) AND TRUE) AS "shouldEstablish",
      (SELECT coalesce(sum(residents), 0)::int FROM population_points WHERE TRUE) AS residents,
      (SELECT coalesce(sum(households), 0)::int FROM population_points WHERE TRUE) AS households;

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
    ) n
    WHERE TRUE;

select "l"."department", "l"."version" as "layerVersion", count(g.id)::int as "count" from "grid_layers" as "l" inner join "departments" as "d" on "d"."code" = "l"."department" left join "grids" as "g" on "g"."layer_id" = "l"."id" and TRUE where "l"."is_active" = $1 group by "l"."department", "l"."version", "d"."sort_order" order by "d"."sort_order";

select "level", count(*)::int as "count" from "service_centers" where TRUE group by "level" order by "level";

select id::int as "version", to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "publishedAt" from "merge_runs" where "is_published" = $1;

SELECT
      (SELECT count(*)::int FROM regions WHERE level = 'street' AND left("code", $1::int) = $2::text) AS streets,
      (SELECT count(*)::int FROM regions WHERE level = 'community' AND left("code", $3::int) = $4::text) AS communities,
      (SELECT count(*)::int FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
         WHERE left("u"."community_code", $5::int) = $6::text) AS "unifiedGrids",
      (SELECT count(*)::int FROM party_orgs WHERE left("region_code", $7::int) = $8::text) AS "partyOrgs",
      (SELECT count(*)::int FROM party_orgs WHERE status = 'weak' AND left("region_code", $9::int) = $10::text) AS weak,
      (SELECT count(*)::int FROM party_orgs WHERE status = 'hollow' AND left("region_code", $11::int) = $12::text) AS hollow,
      (SELECT count(*)::int FROM units WHERE left("region_code", $13::int) = $14::text) AS units,
      -- 应建未建 as the party rule counts it (party.repository.ts): 3+ formal members, no organization of its own
      (SELECT count(*)::int FROM units u LEFT JOIN unit_coverage c ON c.unit_id = u.id
         WHERE ("u"."formal_party_members" >= 3 AND ("c"."mode" IS NULL OR "c"."mode" <> 'own')) AND left("u"."region_code", $15::int) = $16::text) AS "shouldEstablish",
      (SELECT coalesce(sum(residents), 0)::int FROM population_points WHERE left("region_code", $17::int) = $18::text) AS residents,
      (SELECT coalesce(sum(households), 0)::int FROM population_points WHERE left("region_code", $19::int) = $20::text) AS households;

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
    ) n
    WHERE left("u"."community_code", $1::int) = $2::text;

select "l"."department", "l"."version" as "layerVersion", count(g.id)::int as "count" from "grid_layers" as "l" inner join "departments" as "d" on "d"."code" = "l"."department" left join "grids" as "g" on "g"."layer_id" = "l"."id" and left("g"."community_code", $1::int) = $2::text where "l"."is_active" = $3 group by "l"."department", "l"."version", "d"."sort_order" order by "d"."sort_order";

select "level", count(*)::int as "count" from "service_centers" where left("region_code", $1::int) = $2::text group by "level" order by "level";
