"""A real website served on loopback, for tests and benchmarks that crawl."""
