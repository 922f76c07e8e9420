// Tests for FHEServer arrive with its issue.
