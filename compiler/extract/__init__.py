"""Extract the typed model (`compiler.document`) from markdown-it tokens, reading each node
against its kind in the grammar (`compiler.grammar`).

From the bottom up: `ids` (the id registry), `blocks` (blocks while they are read, frozen into
the model's), `nodes` (a node while it is read; its typed fields and title, checked when it
closes), `frames` (the state of the walk: one file's, and what its parts share), `inline` (a
paragraph's text, its spans, links and placeholders), `annotate` (fenced blocks, annotated list
items, spans), `sections` (headings, preambles, ids made from titles), `chapters` (the end of a
file: its sections' spans, its `Chapter`), `front_matter` (the YAML header), `walk` (the
`Extractor`: one walk over each file's tokens), and `finish` (what needs every file: links,
placeholders, references, orders, the `Document`). Links and ids as text (slugify, link
joining, URL safety) are `compiler.links`, shared with the site.
"""
