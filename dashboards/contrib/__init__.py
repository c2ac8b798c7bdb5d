"""Tiles and filters the overview composes from apps that landed without an overview contribution
of their own (compute, strategy). Each reads the app's selectors only, never its tables; the
dashboards app sits above them in the dependency list, so it may."""
