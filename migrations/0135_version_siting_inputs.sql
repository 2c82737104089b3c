-- Versions (data_versions, 0070) for the tables behind the coverage figures besides the population
-- points (0070) and the published unified grids (0105): the centres, the regions (names, levels,
-- urban or rural: a centre's default radius) and the road network. The siting service keeps, per
-- region and catchment method, each point's covering-centre count and nearest centre in memory,
-- and computes them again only when one of these tables has changed; the place panel keeps a
-- place's centre coverage by the same versions.
INSERT INTO data_versions (table_name, version)
VALUES ('service_centers', 0), ('regions', 0), ('road_networks', 0), ('road_edges', 0)
ON CONFLICT (table_name) DO NOTHING;

DO $$
DECLARE
  versioned text;
BEGIN
  FOREACH versioned IN ARRAY ARRAY['service_centers', 'regions', 'road_networks', 'road_edges'] LOOP
    EXECUTE format(
      'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()',
      versioned || '_data_version', versioned);
    EXECUTE format(
      'CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()',
      versioned || '_data_version_truncate', versioned);
  END LOOP;
END
$$;
