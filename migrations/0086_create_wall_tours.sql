-- Wall tours: playlists a wall display steps through. Each step is a saved view (a place as a
-- region code or the whole district, the layers shown, the chart brought forward) and a dwell time.
CREATE TABLE wall_tours (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  steps      jsonb NOT NULL CHECK (jsonb_typeof(steps) = 'array'),
  created_by bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
