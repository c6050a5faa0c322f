"""The LLM boundary: one request/response protocol, providers behind it, and what wraps them."""
