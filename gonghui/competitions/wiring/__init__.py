"""Wiring (audit labels, due-soon sources, tasks) of competitions and skills, one module per area:
labour, activities, contests."""
