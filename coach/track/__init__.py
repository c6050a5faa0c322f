"""A meeting series: the store, linking status talk to earlier commitments, and the series' status."""
