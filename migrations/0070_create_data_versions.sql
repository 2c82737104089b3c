-- A version per table, bumped by every statement that changes the table (insert, update, delete,
-- truncate), so that a service may hold a table's rows in memory and know with one indexed read
-- whether they are still current. The siting service keeps the population points this way: reading
-- 52,000 points through PGlite costs seconds, a version check under a millisecond.
CREATE TABLE data_versions (
  table_name  text PRIMARY KEY,
  version     bigint NOT NULL DEFAULT 0
);

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO data_versions (table_name, version) VALUES (TG_TABLE_NAME, 1)
  ON CONFLICT (table_name) DO UPDATE SET version = data_versions.version + 1;
  RETURN NULL;
END
$$;

INSERT INTO data_versions (table_name, version) VALUES ('population_points', 0);

CREATE TRIGGER population_points_data_version
  AFTER INSERT OR UPDATE OR DELETE ON population_points
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER population_points_data_version_truncate
  AFTER TRUNCATE ON population_points
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
