"""DataOps: ingest sources, correct and validate against the contract, quarantine, split."""
