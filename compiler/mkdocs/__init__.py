"""The mkdocs plugin `constitution` (the ``mkdocs.plugins`` entry point
``compiler.mkdocs.plugin:ConstitutionPlugin``): `config` holds its options, `plugin` its events;
what the site shows is `compiler.site`'s.

Named after mkdocs on purpose: inside the package, ``import mkdocs`` is still mkdocs itself
(imports are absolute).
"""
