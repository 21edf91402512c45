"""Services of the `campaigns` area of welfare."""
