"""Who may do what in grassroots building, one module per area."""
