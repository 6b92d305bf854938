"""Domain code glued to the store: the consent ledger, accounts, retention, records, saved reports.

Each function takes the :class:`~cookiegate.store.Store` explicitly, so the web
pages, the CLI and the benchmarks share it.
"""
