// Tests for FHECompiler arrive with its issue.
