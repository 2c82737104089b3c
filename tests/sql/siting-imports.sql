-- deleteCentresExcept
delete from "service_centers" where NOT (code = ANY($1::text[]));

-- findCentreCodes
select "code" from "service_centers";

-- findRegionCodes
select "code" from "regions" where "code" in ($1);

-- findRegionsAt
SELECT t.n::int AS n, (
      SELECT r.code FROM regions r
      WHERE r.level = t.level AND r.boundary IS NOT NULL AND ST_Covers(r.boundary, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326))
      ORDER BY r.code LIMIT 1) AS code
    FROM unnest($1::float8[], $2::float8[], $3::text[])
      WITH ORDINALITY AS t(lon, lat, level, n)
    ORDER BY t.n;

-- replacePopulation
delete from "population_points";

INSERT INTO population_points (region_code, residents, households, location)
      SELECT region_code, residents, households, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
      FROM unnest($1::text[], $2::int[],
                  $3::int[], $4::float8[],
                  $5::float8[]) AS t(region_code, residents, households, lon, lat);

-- upsertCentres
INSERT INTO service_centers (code, name, level, status, floor_area_m2, radius_m, region_code, location)
    SELECT code, name, level, status, floor_area_m2, radius_m, region_code, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
    FROM unnest($1::text[], $2::text[],
                $3::text[], $4::text[],
                $5::float8[], $6::float8[],
                $7::text[], $8::float8[],
                $9::float8[])
      AS t(code, name, level, status, floor_area_m2, radius_m, region_code, lon, lat)
    ON CONFLICT (code) DO UPDATE SET
      name = EXCLUDED.name, level = EXCLUDED.level, status = EXCLUDED.status, floor_area_m2 = EXCLUDED.floor_area_m2,
      radius_m = EXCLUDED.radius_m, region_code = EXCLUDED.region_code, location = EXCLUDED.location
    RETURNING id;
