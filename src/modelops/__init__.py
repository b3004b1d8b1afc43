"""modelops: a credit-risk model lifecycle run from git."""
