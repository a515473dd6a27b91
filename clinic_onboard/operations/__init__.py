"""Verbs that change state. They flush and never commit: the request or command commits once."""
