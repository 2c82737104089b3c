-- PostGIS does the geometry on both drivers (PGlite loads it as an extension bundle).
CREATE EXTENSION IF NOT EXISTS postgis;
