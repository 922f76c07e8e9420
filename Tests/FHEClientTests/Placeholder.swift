// Tests for FHEClient arrive with its issue.
