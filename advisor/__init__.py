"""advisor: choose an open-weight AI model you may lawfully and practically adopt."""

__version__ = "0.1.0"
