"""contentcal: a small business's social-media strategy as a checked editorial calendar."""
