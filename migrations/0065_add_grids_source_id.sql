-- A department's own identifier of a grid (OBJECTID, 原编号, …) kept beside the code in the scheme, which
-- the import assigns (community code + serial) when the file carries none.
ALTER TABLE grids ADD COLUMN source_id text;
