-- Versions (data_versions, 0070) for the service centres and the regions: with the population points
-- and the published unified grids (0070, 0105) they are what a place's centre coverage reads, which the
-- place panel keeps in memory and computes again only when one of these tables has changed.
INSERT INTO data_versions (table_name, version)
VALUES ('service_centers', 0), ('regions', 0)
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
