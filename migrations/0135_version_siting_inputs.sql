-- Versions (data_versions, 0070) for the tables behind the coverage figures besides the population
-- points (0070) and the published unified grids (0105): the centres, the regions (names, levels,
-- urban or rural: a centre's default radius) and the road network. The siting service keeps, per
-- region and catchment method, each point's covering-centre count and nearest centre in memory,
-- and computes them again only when one of these tables has changed.
INSERT INTO data_versions (table_name, version)
VALUES ('service_centers', 0), ('regions', 0), ('road_networks', 0), ('road_edges', 0)
ON CONFLICT (table_name) DO NOTHING;

CREATE TRIGGER service_centers_data_version
  AFTER INSERT OR UPDATE OR DELETE ON service_centers
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER service_centers_data_version_truncate
  AFTER TRUNCATE ON service_centers
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER regions_data_version
  AFTER INSERT OR UPDATE OR DELETE ON regions
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER regions_data_version_truncate
  AFTER TRUNCATE ON regions
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER road_networks_data_version
  AFTER INSERT OR UPDATE OR DELETE ON road_networks
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER road_networks_data_version_truncate
  AFTER TRUNCATE ON road_networks
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER road_edges_data_version
  AFTER INSERT OR UPDATE OR DELETE ON road_edges
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER road_edges_data_version_truncate
  AFTER TRUNCATE ON road_edges
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
