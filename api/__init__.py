"""HTTP: the FastAPI app, its routers, auth, schemas, error mapping and the console."""
