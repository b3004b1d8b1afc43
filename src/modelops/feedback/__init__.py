"""The data feedback loop: labelled production rows exported from the prediction store."""
