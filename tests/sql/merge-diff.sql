-- diffRuns
SELECT coalesce(b.code, a.code) AS code,
           CASE WHEN a.id IS NULL THEN 'added' WHEN b.id IS NULL THEN 'removed' ELSE 'reshaped' END AS change,
           coalesce(b.area_m2, a.area_m2) AS "areaM2",
           CASE WHEN a.id IS NULL OR b.id IS NULL THEN coalesce(b.area_m2, a.area_m2)
                ELSE ST_Area(ST_SymDifference(ST_MakeValid(ST_Transform(a.boundary, 32649)), ST_MakeValid(ST_Transform(b.boundary, 32649)), $1::float8)) END AS "changedM2"
    FROM (SELECT * FROM unified_grids WHERE merge_run_id = $2::bigint AND TRUE) a
    FULL JOIN (SELECT * FROM unified_grids WHERE merge_run_id = $3::bigint AND TRUE) b
      ON a.code = b.code
    ORDER BY 1;

SELECT coalesce(b.code, a.code) AS code,
           CASE WHEN a.id IS NULL THEN 'added' WHEN b.id IS NULL THEN 'removed' ELSE 'reshaped' END AS change,
           coalesce(b.area_m2, a.area_m2) AS "areaM2",
           CASE WHEN a.id IS NULL OR b.id IS NULL THEN coalesce(b.area_m2, a.area_m2)
                ELSE ST_Area(ST_SymDifference(ST_MakeValid(ST_Transform(a.boundary, 32649)), ST_MakeValid(ST_Transform(b.boundary, 32649)), $1::float8)) END AS "changedM2"
    FROM (SELECT * FROM unified_grids WHERE merge_run_id = $2::bigint AND left(community_code, $3::int) = $4::text) a
    FULL JOIN (SELECT * FROM unified_grids WHERE merge_run_id = $5::bigint AND left(community_code, $6::int) = $7::text) b
      ON a.code = b.code
    ORDER BY 1;
