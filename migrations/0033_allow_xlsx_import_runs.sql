-- Registers (party organizations, units) arrive as Excel workbooks too: an import run's format may be xlsx.
ALTER TABLE import_runs DROP CONSTRAINT import_runs_format_check;
ALTER TABLE import_runs ADD CONSTRAINT import_runs_format_check
  CHECK (format IN ('geojson', 'shapefile', 'geopackage', 'csv', 'xlsx', 'generator'));
