"""clientfocus: the software a customer-oriented company runs on."""

__version__ = "0.1.0"
