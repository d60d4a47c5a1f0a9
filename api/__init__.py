"""HTTP: routers, auth, schemas, error mapping, CLI and process runner."""
