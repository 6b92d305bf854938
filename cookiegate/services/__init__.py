"""Domain code glued to the store: the consent ledger, accounts, retention, records,
exports, saved scans and compliance reports.

The only package (with the app factory, which opens the store) that imports
:mod:`cookiegate.store`. Each function takes the :class:`~cookiegate.store.Store`
explicitly, so the web pages and the CLI share it.
"""
