"""Test builders of training, one module per area (schools, courses, enrolment, attendance, mentoring, stats)."""
