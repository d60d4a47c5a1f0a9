"""Routes of an order changed once placed (dispatch/changes/): api/routes holds ten modules."""
