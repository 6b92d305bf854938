"""A visitor's consent: choices, the consent request, signed tokens, hash-chained proofs,
user agents, export formats.

Pure: no Flask, no store; whatever IO a function needs is passed in.
"""
