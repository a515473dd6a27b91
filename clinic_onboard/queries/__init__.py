"""Every database read a page, a PDF or a command needs, one module per thing read.

A query loads rows scoped to what its caller names (a clinic, an onboarding, a signer) and
hands back rows or plain read models; it never adds, changes or flushes anything, and decides
no access (the view checks policy first). Views call a query and render; ``operations/`` only
writes, and reads through these modules what it must check before writing.
"""
