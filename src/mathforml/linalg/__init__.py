"""The linear-algebra pillar (filled in as the families land)."""
