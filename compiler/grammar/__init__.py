"""The grammar of a spec: its kinds of node, their typed fields, and the orders its nodes state.

The built-in kinds are declared in ``default.yaml`` the same way a spec declares its own in
``constitution.yaml``; see ``DESIGN.md`` for the design and the authoring guide
(``compiler/pages/authoring.md``) for the authors' view. The modules, lowest first:

- `types`: the data (`Grammar`, `KindSpec`, `FieldSpec`, `Mode`...), frozen and documented.
- `yamlnodes`: typed reads of a YAML node tree, each problem a diagnostic at its line and column.
- `field_settings`, `field_checks`, `fields`, `kind_settings`, `consistency`, `load`: reading a
  declarations file over the default grammar (`load.load_grammar`).
- `problems`, `orders`, `values`: attribute values typed by a field, orders and precedence.
- `schema_parts`, `schema`: JSON Schemas of the 2.0.0 document, generic and per grammar.
- `examples`: the declared example syntax (``examples:``), a reply's `Verdict`, and the kinds of
  worked examples and prompts files that `load` adds when a spec declares it.

The package imports nothing on its own: import the module you need.
"""
