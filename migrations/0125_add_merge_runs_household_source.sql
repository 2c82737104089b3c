-- 多网合一 runs: where a household-balanced run took its household figures from (the grid layers'
-- 户数, or the population points inside each face; NULL for the base strategy), and the English text
-- of a failure whose zh-CN text is in error (a client asking for English reads this one).
ALTER TABLE merge_runs
  ADD COLUMN household_source text CHECK (household_source IN ('grid_layers', 'population_points')),
  ADD COLUMN error_en text;
