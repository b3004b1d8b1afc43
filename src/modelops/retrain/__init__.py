"""Deciding when to retrain the model, from the monitor's report and the retrain policy."""
