"""Selectors of honours and model workers, one module per area (awards, modelworkers, leaders, rewards)."""
