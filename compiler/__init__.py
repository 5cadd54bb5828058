"""constitution-compiler: annotated Markdown constitutions compiled to a validated JSON spec,
a documentation site and versioned, diffable releases.
"""

from __future__ import annotations

__version__ = "0.1.0"
