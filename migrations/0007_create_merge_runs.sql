-- 多网合一 runs: built aside and published by switching the active version.
CREATE TABLE merge_runs (
  id           bigserial PRIMARY KEY,
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
  strategy     text NOT NULL CHECK (strategy IN ('base_department', 'household_balanced')),
  params       jsonb NOT NULL DEFAULT '{}',
  layer_ids    bigint[] NOT NULL,
  progress     real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  stats        jsonb NOT NULL DEFAULT '{}',
  alignment    jsonb NOT NULL DEFAULT '[]',
  error        text,
  is_published boolean NOT NULL DEFAULT false,
  published_at timestamptz,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
CREATE UNIQUE INDEX merge_runs_one_published_idx ON merge_runs (is_published) WHERE is_published;
