-- findIssues
select "kind", count(*)::int as "n" from "merge_issues" where "merge_run_id" = $1 and "department" = $2 and left(community_code, $3) = $4 group by "kind";

select "id", "kind", "community_code" as "communityCode", (SELECT r.name FROM regions r WHERE r.code = merge_issues.community_code) as "communityName", "department", "area_m2" as "areaM2", "grid_ids" as "gridIds", "note", CASE WHEN geom IS NULL THEN NULL ELSE json_build_array(ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)) END as "bbox" from "merge_issues" where "merge_run_id" = $1 and "department" = $2 and left(community_code, $3) = $4 and "kind" = $5 order by "area_m2" desc, "id" limit $6 offset $7;

select "kind", count(*)::int as "n" from "merge_issues" where "merge_run_id" = $1 and left(community_code, $2) = $3 group by "kind";

select "id", "kind", "community_code" as "communityCode", (SELECT r.name FROM regions r WHERE r.code = merge_issues.community_code) as "communityName", "department", "area_m2" as "areaM2", "grid_ids" as "gridIds", "note", CASE WHEN geom IS NULL THEN NULL ELSE json_build_array(ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)) END as "bbox" from "merge_issues" where "merge_run_id" = $1 and left(community_code, $2) = $3 order by "area_m2" desc, "id" limit $4 offset $5;
