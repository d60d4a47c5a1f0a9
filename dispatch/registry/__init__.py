"""The registry: branches and their policy knobs, clients, sites, block lists, staff and their
accounts, a branch's SMS wording, worker registration in a branch, the demo network."""
