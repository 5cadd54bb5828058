"""Extract the model from markdown-it tokens: sections, annotations, references and front matter.

`walk` (the `Extractor`: one walk over each file's tokens, then `finish`), `front_matter`
(the YAML header and the bounds of numbers), `ids` (the id registry). Links and ids as text
(slugify, link joining, URL safety) are `compiler.links`, shared with the site.
"""
