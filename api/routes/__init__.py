"""HTTP routers, one file per resource; they translate, the domain decides."""
