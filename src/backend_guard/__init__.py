"""backend-guard: find state backends that cannot be deployed, explain them, fix them."""

__version__ = "0.1.0"
