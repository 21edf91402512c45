"""Rules of training and worker schools, one module per area:
schools, courses, enrolment, attendance, mentoring, stats."""
