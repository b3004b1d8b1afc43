"""The model registry in git tags (GTO): versions and stages, their policy, release bundles."""
