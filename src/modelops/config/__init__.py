"""Configuration: params.yaml and data/contract.yaml as strict models, and default paths."""
