"""Configuration: the config files (params.yaml and its owners' files beside it) and
data/contract.yaml as strict models, and default paths."""
