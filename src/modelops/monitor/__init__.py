"""Monitoring: the reference profile, drift, live and estimated performance, the verdict."""
