"""One module per user command; each composes the library and returns, never exits."""
