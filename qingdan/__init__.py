"""qingdan (清单): a rules-as-code compiler and authority-list manager for administrative approval."""

__version__ = "0.1.0"
