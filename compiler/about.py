"""This compiler's name and version, as every compiled document's ``generator`` records them.

The lowest module of the package (it imports nothing), so that any stage may name the version
without importing `compiler` itself, whose ``__init__`` sits above every stage (it exposes the
API).
"""

NAME = "constitution-compiler"
__version__ = "0.1.0"
