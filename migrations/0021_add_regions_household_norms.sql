-- A region's norm of households per grid (DOMAIN.md: an urban grid holds 300–500, configurable per
-- region). Both set or both NULL; NULL inherits from the nearest ancestor that sets one, and where
-- none does an urban community has 300–500 and a rural one no norm (its grids follow villages).
ALTER TABLE regions
  ADD COLUMN households_min integer CHECK (households_min >= 0),
  ADD COLUMN households_max integer CHECK (households_max >= 1),
  ADD CONSTRAINT regions_household_norm_check
    CHECK ((households_min IS NULL) = (households_max IS NULL) AND households_min <= households_max);
