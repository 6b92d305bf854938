"""What every other package builds on: settings, errors, field checks, hosts, patterns.

Imports nothing else of cookiegate, so anything may import it.
"""
