"""The onboarding record as pure logic: hash chains and task states folded from events.

No Flask or database import: the models hand plain ``EventFacts`` in and get answers out.
"""
