"""Views of grassroots building, one module per area (foundings, elections, liaison, homes, harmony)."""
