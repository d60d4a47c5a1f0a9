"""The web console: server-rendered pages for dispatchers and foremen, the phone simulator and
the workers' check-in links. Same app, same rules: pages call the domain services."""
