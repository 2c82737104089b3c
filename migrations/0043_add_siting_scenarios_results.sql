-- Siting scenarios: the objective, catchment method and the full result (per-solver figures, proposed
-- sites with the residents each adds) next to the columns of 0017.
ALTER TABLE siting_scenarios
  ADD COLUMN objective text NOT NULL DEFAULT 'max_covering' CHECK (objective IN ('max_covering', 'set_covering')),
  ADD COLUMN method text NOT NULL DEFAULT 'radius' CHECK (method IN ('radius', 'network')),
  ADD COLUMN total_residents bigint CHECK (total_residents >= 0),
  ADD COLUMN result jsonb NOT NULL DEFAULT '{}';
