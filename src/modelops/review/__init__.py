"""Reviewing a change: baselines read from git, the metric gate, the pull-request report."""
