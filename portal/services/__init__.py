"""The domain verbs. They flush but never commit: the request (or command) commits once."""
