"""The options of the mkdocs plugin `constitution` (``plugins: [{constitution: {...}}]``)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class ConstitutionConfig(base.Config):  # type: ignore[no-untyped-call]
    """The spec is the docs directory. Options:

    - ``enabled`` (default true): false turns the plugin off: the build is mkdocs' own, as if
      the plugin were not listed (e.g. ``enabled: !ENV [CONSTITUTION_SITE, true]``).
    - ``highlight`` (default false): colour code blocks with Pygments at build time, the way
      ``pymdownx.highlight`` does; like that extension it is opt-in, as it costs build time on
      documents with many examples.
    - ``grammar`` (default none): read the kinds and fields from this declarations file (YAML,
      relative to mkdocs.yml) instead of the spec's own ``constitution.yaml``, as ``constitution
      compile --grammar`` does (``constitution build --grammar FILE`` overrides it).
    - ``pdf`` (default false): make a PDF of the print version of the constitution (and of each
      release's) with WeasyPrint, at ``pdf/constitution.pdf`` (``pdf/constitution-VERSION.pdf``);
      a build takes a few seconds more. A live preview makes none.
    """

    enabled = c.Type(bool, default=True)
    grammar = c.Optional(c.File(exists=True))
    highlight = c.Type(bool, default=False)
    pdf = c.Type(bool, default=False)
