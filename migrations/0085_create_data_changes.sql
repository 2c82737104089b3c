-- Every change to the data on the map (an import, a publish, a register import, a catchment
-- rebuild, a siting run), with the layers and regions it touched. The newest id is the data
-- version: caches (summary figures, tiles) are keyed by it and open pages are told of each change.
CREATE TABLE data_changes (
  id      bigserial PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  kind    text NOT NULL CHECK (kind IN ('import', 'region-import', 'publish', 'party-import', 'catchments', 'siting')),
  layers  jsonb NOT NULL DEFAULT '[]',
  regions jsonb NOT NULL DEFAULT '[]',
  details jsonb NOT NULL DEFAULT '{}'
);
