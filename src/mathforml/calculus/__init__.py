"""The calculus pillar (being assembled)."""
