-- Versions (data_versions, 0070) for the tables behind the party coverage figures' grid assignment:
-- which published unified grid each unit and organization lies in. The party service keeps that
-- assignment in memory and recomputes it only when one of these tables has changed.
INSERT INTO data_versions (table_name, version)
VALUES ('units', 0), ('party_orgs', 0), ('unified_grids', 0), ('merge_runs', 0)
ON CONFLICT (table_name) DO NOTHING;

CREATE TRIGGER units_data_version
  AFTER INSERT OR UPDATE OR DELETE ON units
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER units_data_version_truncate
  AFTER TRUNCATE ON units
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER party_orgs_data_version
  AFTER INSERT OR UPDATE OR DELETE ON party_orgs
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER party_orgs_data_version_truncate
  AFTER TRUNCATE ON party_orgs
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER unified_grids_data_version
  AFTER INSERT OR UPDATE OR DELETE ON unified_grids
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER unified_grids_data_version_truncate
  AFTER TRUNCATE ON unified_grids
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER merge_runs_data_version
  AFTER INSERT OR UPDATE OR DELETE ON merge_runs
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER merge_runs_data_version_truncate
  AFTER TRUNCATE ON merge_runs
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
