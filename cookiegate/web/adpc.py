"""The ADPC request header: a visitor's standing withdrawal of consent or objection.

ADPC (Advanced Data Protection Control, https://www.dataprotectioncontrol.org/spec/,
section 7) sends the user's decisions as a header of comma-separated members, such as
``ADPC: withdraw=*, object=direct-marketing``. cookiegate reads the two general ones:
``withdraw=*`` (every consent withdrawn) and ``object=*`` (objection to all processing
based on legitimate interest). Either refuses everything optional; the banner records it as
``signal:adpc`` (static/js/src/banner/signals.js). Requests for specific purposes
(``consent="…"``) name no purpose of cookiegate's and are ignored.
"""

from __future__ import annotations

#: The members of the header that object to everything.
_ALL = {("withdraw", "*"), ("object", "*")}
#: Longer than any real header: past it nothing is read (a forged header stays cheap).
MAX_HEADER = 1024


def objects(value: str) -> bool:
    """True when an ``ADPC`` header's value withdraws every consent or objects to all."""
    if not value or len(value) > MAX_HEADER:
        return False
    members = (member.partition("=") for member in value.split(","))
    return any((key.strip().lower(), item.strip()) in _ALL for key, _, item in members)
