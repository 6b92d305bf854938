"""A visitor's consent: choices, signed tokens, hash-chained proofs, user agents, exports.

Pure: no Flask, no store; whatever IO a function needs is passed in.
"""
