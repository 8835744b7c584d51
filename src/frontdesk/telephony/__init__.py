"""The phone: calls to a business's number, answered by the same agent as every channel."""
