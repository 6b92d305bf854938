"""The compliance staff's pages under ``/admin``, one module per page group."""
