"""The prediction service: the production model behind FastAPI, every decision logged to the
prediction store before it is answered, outcomes taken back, requests checked by the contract."""
