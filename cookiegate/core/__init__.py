"""What every other package builds on: settings, errors, field checks, hosts, patterns.

Also the overlaps of patterns, TOML reading, time formatting and the browser
launch. Imports nothing else of cookiegate (the layers contract in
pyproject.toml checks it), so anything may import it.
"""
