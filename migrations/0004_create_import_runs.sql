-- Every import is a run with an id, counts, timings and a validation report.
CREATE TABLE import_runs (
  id          bigserial PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('grids', 'regions', 'party_orgs', 'units', 'service_centers', 'population', 'demo')),
  department  text REFERENCES departments (code),
  file_name   text,
  format      text CHECK (format IN ('geojson', 'shapefile', 'geopackage', 'csv', 'generator')),
  source_crs  text,
  dry_run     boolean NOT NULL DEFAULT false,
  status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  counts      jsonb NOT NULL DEFAULT '{}',
  report      jsonb NOT NULL DEFAULT '[]',
  error       text,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
