"""The registry's routers (dispatch/registry): branches and their wording, clients and their
block lists, sites, workers, staff accounts."""
