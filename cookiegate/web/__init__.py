"""The HTTP layer: the visitor-facing API, the demo shop and the admin pages.

The only package (with :mod:`cookiegate.app` and :mod:`cookiegate.cli`) that
imports Flask.
"""
