-- Why a department grid was repaired at import: ST_IsValidReason of its geometry as imported (in
-- WGS84, before ST_MakeValid), e.g. 'Self-intersection[113.6 34.6]'; NULL when it was valid. The
-- stored boundary is always the repaired one, so this is what lets a merge report the invalid input.
ALTER TABLE grids ADD COLUMN repair_note text;
