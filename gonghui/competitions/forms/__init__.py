"""Forms of competitions and skills, one module per area (labour, activities, contests)."""
