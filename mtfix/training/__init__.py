"""Training the rewrite model: synthetic noise, datasets, the training loop."""
