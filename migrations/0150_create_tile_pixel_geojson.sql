-- A feature's geometry in tile pixels (0..4096, y down) as GeoJSON, as ST_AsMVTGeom makes it, for the
-- tile encoder of PGlite (whose PostGIS lacks protobuf, see db/repositories/tiles.repository.ts):
-- scale to the tile, snap to whole pixels, drop collinear points, clip to the buffered tile, snap
-- again, repair, and orient exterior rings as MVT wants them. NULL when nothing is left to draw.
-- One function call per row instead of the same steps as nested subqueries in the tile's select:
-- each step then reads the previous one's result from a variable, where the subqueries cost the
-- embedded database a rescan per row and per step (a z13 tile of 7,000 points spent most of its
-- time there). A point is only snapped and tested against the buffered tile: the repair and the
-- clip change nothing on a point.
CREATE FUNCTION tile_pixel_geojson(
  geom geometry,
  scale float8,
  x_offset float8,
  y_offset float8,
  extent int DEFAULT 4096,
  buffer int DEFAULT 64
) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  a geometry := ST_Affine(ST_Transform(geom, 3857), scale, 0, 0, -scale, x_offset, y_offset);
  g geometry;
  low float8 := -buffer;
  high float8 := extent + buffer;
BEGIN
  IF GeometryType(a) = 'POINT' THEN
    IF ST_IsEmpty(a) THEN
      RETURN NULL;
    END IF;
    g := ST_SnapToGrid(a, 1);
    IF ST_X(g) < low OR ST_X(g) > high OR ST_Y(g) < low OR ST_Y(g) > high THEN
      RETURN NULL;
    END IF;
    RETURN ST_AsGeoJSON(g, 0);
  END IF;
  -- a line or polygon less than half a pixel wide and high is dropped, as ST_AsMVTGeom does
  IF ST_Dimension(a) > 0 AND ST_XMax(a) - ST_XMin(a) < 0.5 AND ST_YMax(a) - ST_YMin(a) < 0.5 THEN
    RETURN NULL;
  END IF;
  -- snapping can leave a ring touching itself: repair before clipping, as GEOS's rectangle clip
  -- throws on invalid input (and the embedded PostGIS then fails silently); the box a hair wider
  -- than the buffer: a point on its edge stays, as in ST_AsMVTGeom (PostGIS 3.6's rectangle clip
  -- drops it; the second snap undoes the hair)
  g := ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(ST_RemoveRepeatedPoints(ST_SnapToGrid(
         ST_ClipByBox2D(ST_MakeValid(ST_Simplify(ST_SnapToGrid(a, 1), 0)),
           ST_MakeEnvelope(low - 0.001, low - 0.001, high + 0.001, high + 0.001)),
         1))), ST_Dimension(a) + 1));
  IF g IS NULL OR ST_IsEmpty(g) OR (ST_Dimension(g) = 2 AND ST_Area(g) = 0) THEN
    RETURN NULL;
  END IF;
  RETURN ST_AsGeoJSON(g, 0);
END
$$;
