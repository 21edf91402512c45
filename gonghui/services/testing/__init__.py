"""Testing of worker services, one module per area:
centres, facilities, benefits, venues, events."""
