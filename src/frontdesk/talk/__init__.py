"""The talk page: an owner calls their own agent from the browser."""
