"""Testing of publicity and education, one module per area:
articles, activities, studies."""
