"""Points, geofences and PostGIS query helpers."""
