"""Each network's limits (dated data with sources) and its own way of counting a post."""
