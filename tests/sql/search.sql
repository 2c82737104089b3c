-- findSearchEntries
SELECT 'region' AS kind, r.code AS id, r.code, r.name, (
  SELECT coalesce(string_agg(a.name, ' ' ORDER BY a.code), '')
  FROM regions a
  WHERE a.level IN ('street', 'community') AND "p"."code" IS NOT NULL
    AND left("p"."code", CASE a.level WHEN 'street' THEN 9 ELSE 12 END) = left(a.code, CASE a.level WHEN 'street' THEN 9 ELSE 12 END)) AS place, r.code AS "regionCode",
           NULL::text AS "chiefName", CASE WHEN "r"."boundary" IS NULL THEN NULL ELSE json_build_array(
        round(ST_XMin("r"."boundary")::numeric, 6), round(ST_YMin("r"."boundary")::numeric, 6),
        round(ST_XMax("r"."boundary")::numeric, 6), round(ST_YMax("r"."boundary")::numeric, 6)) END AS bbox
    FROM regions r LEFT JOIN regions p ON p.code = r.parent_code
    WHERE r.level IN ('district', 'street', 'community') AND true
    UNION ALL
    SELECT 'unifiedGrid', u.id::text, u.code, c.name || '第' || right(u.code, 3) || '网格', (
  SELECT coalesce(string_agg(a.name, ' ' ORDER BY a.code), '')
  FROM regions a
  WHERE a.level IN ('street', 'community') AND "u"."community_code" IS NOT NULL
    AND left("u"."community_code", CASE a.level WHEN 'street' THEN 9 ELSE 12 END) = left(a.code, CASE a.level WHEN 'street' THEN 9 ELSE 12 END)),
           u.community_code, NULL::text, CASE WHEN "u"."boundary" IS NULL THEN NULL ELSE json_build_array(
        round(ST_XMin("u"."boundary")::numeric, 6), round(ST_YMin("u"."boundary")::numeric, 6),
        round(ST_XMax("u"."boundary")::numeric, 6), round(ST_YMax("u"."boundary")::numeric, 6)) END
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    JOIN regions c ON c.code = u.community_code
    WHERE true
    UNION ALL
    SELECT 'grid', g.id::text, g.code, g.name || '（' || d.name || '）', (
  SELECT coalesce(string_agg(a.name, ' ' ORDER BY a.code), '')
  FROM regions a
  WHERE a.level IN ('street', 'community') AND "g"."community_code" IS NOT NULL
    AND left("g"."community_code", CASE a.level WHEN 'street' THEN 9 ELSE 12 END) = left(a.code, CASE a.level WHEN 'street' THEN 9 ELSE 12 END)), g.community_code,
           (SELECT s.name FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'chief' ORDER BY s.id LIMIT 1),
           CASE WHEN "g"."boundary" IS NULL THEN NULL ELSE json_build_array(
        round(ST_XMin("g"."boundary")::numeric, 6), round(ST_YMin("g"."boundary")::numeric, 6),
        round(ST_XMax("g"."boundary")::numeric, 6), round(ST_YMax("g"."boundary")::numeric, 6)) END
    FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.is_active JOIN departments d ON d.code = l.department
    WHERE true
    UNION ALL
    SELECT 'serviceCenter', s.id::text, s.code, s.name, (
  SELECT coalesce(string_agg(a.name, ' ' ORDER BY a.code), '')
  FROM regions a
  WHERE a.level IN ('street', 'community') AND "s"."region_code" IS NOT NULL
    AND left("s"."region_code", CASE a.level WHEN 'street' THEN 9 ELSE 12 END) = left(a.code, CASE a.level WHEN 'street' THEN 9 ELSE 12 END)), s.region_code, NULL::text, CASE WHEN "s"."location" IS NULL THEN NULL ELSE json_build_array(
        round(ST_XMin("s"."location")::numeric, 6), round(ST_YMin("s"."location")::numeric, 6),
        round(ST_XMax("s"."location")::numeric, 6), round(ST_YMax("s"."location")::numeric, 6)) END
    FROM service_centers s WHERE true
    UNION ALL
    SELECT 'partyOrg', o.id::text, o.code, o.name, (
  SELECT coalesce(string_agg(a.name, ' ' ORDER BY a.code), '')
  FROM regions a
  WHERE a.level IN ('street', 'community') AND "o"."region_code" IS NOT NULL
    AND left("o"."region_code", CASE a.level WHEN 'street' THEN 9 ELSE 12 END) = left(a.code, CASE a.level WHEN 'street' THEN 9 ELSE 12 END)), o.region_code, NULL::text, CASE WHEN "o"."location" IS NULL THEN NULL ELSE json_build_array(
        round(ST_XMin("o"."location")::numeric, 6), round(ST_YMin("o"."location")::numeric, 6),
        round(ST_XMax("o"."location")::numeric, 6), round(ST_YMax("o"."location")::numeric, 6)) END
    FROM party_orgs o WHERE true
    UNION ALL
    SELECT 'unit', u.id::text, u.code, u.name, (
  SELECT coalesce(string_agg(a.name, ' ' ORDER BY a.code), '')
  FROM regions a
  WHERE a.level IN ('street', 'community') AND "u"."region_code" IS NOT NULL
    AND left("u"."region_code", CASE a.level WHEN 'street' THEN 9 ELSE 12 END) = left(a.code, CASE a.level WHEN 'street' THEN 9 ELSE 12 END)), u.region_code, NULL::text, CASE WHEN "u"."location" IS NULL THEN NULL ELSE json_build_array(
        round(ST_XMin("u"."location")::numeric, 6), round(ST_YMin("u"."location")::numeric, 6),
        round(ST_XMax("u"."location")::numeric, 6), round(ST_YMax("u"."location")::numeric, 6)) END
    FROM units u WHERE true;

SELECT 'region' AS kind, r.code AS id, r.code, r.name, (
  SELECT coalesce(string_agg(a.name, ' ' ORDER BY a.code), '')
  FROM regions a
  WHERE a.level IN ('street', 'community') AND "p"."code" IS NOT NULL
    AND left("p"."code", CASE a.level WHEN 'street' THEN 9 ELSE 12 END) = left(a.code, CASE a.level WHEN 'street' THEN 9 ELSE 12 END)) AS place, r.code AS "regionCode",
           NULL::text AS "chiefName", CASE WHEN "r"."boundary" IS NULL THEN NULL ELSE json_build_array(
        round(ST_XMin("r"."boundary")::numeric, 6), round(ST_YMin("r"."boundary")::numeric, 6),
        round(ST_XMax("r"."boundary")::numeric, 6), round(ST_YMax("r"."boundary")::numeric, 6)) END AS bbox
    FROM regions r LEFT JOIN regions p ON p.code = r.parent_code
    WHERE r.level IN ('district', 'street', 'community') AND left("r"."code", $1) = $2
    UNION ALL
    SELECT 'unifiedGrid', u.id::text, u.code, c.name || '第' || right(u.code, 3) || '网格', (
  SELECT coalesce(string_agg(a.name, ' ' ORDER BY a.code), '')
  FROM regions a
  WHERE a.level IN ('street', 'community') AND "u"."community_code" IS NOT NULL
    AND left("u"."community_code", CASE a.level WHEN 'street' THEN 9 ELSE 12 END) = left(a.code, CASE a.level WHEN 'street' THEN 9 ELSE 12 END)),
           u.community_code, NULL::text, CASE WHEN "u"."boundary" IS NULL THEN NULL ELSE json_build_array(
        round(ST_XMin("u"."boundary")::numeric, 6), round(ST_YMin("u"."boundary")::numeric, 6),
        round(ST_XMax("u"."boundary")::numeric, 6), round(ST_YMax("u"."boundary")::numeric, 6)) END
    FROM unified_grids u JOIN merge_runs m ON m.id = u.merge_run_id AND m.is_published
    JOIN regions c ON c.code = u.community_code
    WHERE left("u"."community_code", $3) = $4
    UNION ALL
    SELECT 'grid', g.id::text, g.code, g.name || '（' || d.name || '）', (
  SELECT coalesce(string_agg(a.name, ' ' ORDER BY a.code), '')
  FROM regions a
  WHERE a.level IN ('street', 'community') AND "g"."community_code" IS NOT NULL
    AND left("g"."community_code", CASE a.level WHEN 'street' THEN 9 ELSE 12 END) = left(a.code, CASE a.level WHEN 'street' THEN 9 ELSE 12 END)), g.community_code,
           (SELECT s.name FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'chief' ORDER BY s.id LIMIT 1),
           CASE WHEN "g"."boundary" IS NULL THEN NULL ELSE json_build_array(
        round(ST_XMin("g"."boundary")::numeric, 6), round(ST_YMin("g"."boundary")::numeric, 6),
        round(ST_XMax("g"."boundary")::numeric, 6), round(ST_YMax("g"."boundary")::numeric, 6)) END
    FROM grids g JOIN grid_layers l ON l.id = g.layer_id AND l.is_active JOIN departments d ON d.code = l.department
    WHERE left("g"."community_code", $5) = $6
    UNION ALL
    SELECT 'serviceCenter', s.id::text, s.code, s.name, (
  SELECT coalesce(string_agg(a.name, ' ' ORDER BY a.code), '')
  FROM regions a
  WHERE a.level IN ('street', 'community') AND "s"."region_code" IS NOT NULL
    AND left("s"."region_code", CASE a.level WHEN 'street' THEN 9 ELSE 12 END) = left(a.code, CASE a.level WHEN 'street' THEN 9 ELSE 12 END)), s.region_code, NULL::text, CASE WHEN "s"."location" IS NULL THEN NULL ELSE json_build_array(
        round(ST_XMin("s"."location")::numeric, 6), round(ST_YMin("s"."location")::numeric, 6),
        round(ST_XMax("s"."location")::numeric, 6), round(ST_YMax("s"."location")::numeric, 6)) END
    FROM service_centers s WHERE left("s"."region_code", $7) = $8
    UNION ALL
    SELECT 'partyOrg', o.id::text, o.code, o.name, (
  SELECT coalesce(string_agg(a.name, ' ' ORDER BY a.code), '')
  FROM regions a
  WHERE a.level IN ('street', 'community') AND "o"."region_code" IS NOT NULL
    AND left("o"."region_code", CASE a.level WHEN 'street' THEN 9 ELSE 12 END) = left(a.code, CASE a.level WHEN 'street' THEN 9 ELSE 12 END)), o.region_code, NULL::text, CASE WHEN "o"."location" IS NULL THEN NULL ELSE json_build_array(
        round(ST_XMin("o"."location")::numeric, 6), round(ST_YMin("o"."location")::numeric, 6),
        round(ST_XMax("o"."location")::numeric, 6), round(ST_YMax("o"."location")::numeric, 6)) END
    FROM party_orgs o WHERE left("o"."region_code", $9) = $10
    UNION ALL
    SELECT 'unit', u.id::text, u.code, u.name, (
  SELECT coalesce(string_agg(a.name, ' ' ORDER BY a.code), '')
  FROM regions a
  WHERE a.level IN ('street', 'community') AND "u"."region_code" IS NOT NULL
    AND left("u"."region_code", CASE a.level WHEN 'street' THEN 9 ELSE 12 END) = left(a.code, CASE a.level WHEN 'street' THEN 9 ELSE 12 END)), u.region_code, NULL::text, CASE WHEN "u"."location" IS NULL THEN NULL ELSE json_build_array(
        round(ST_XMin("u"."location")::numeric, 6), round(ST_YMin("u"."location")::numeric, 6),
        round(ST_XMax("u"."location")::numeric, 6), round(ST_YMax("u"."location")::numeric, 6)) END
    FROM units u WHERE left("u"."region_code", $11) = $12;
