"""Configurable figures of grassroots building, one module per area."""
