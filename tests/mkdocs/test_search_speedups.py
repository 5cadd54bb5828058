"""The build's speed-ups change nothing in what is built: the search plugin is given highlighted
code without its spans (compiler.mkdocs.plugin), and the site is the same, byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import cli
from compiler.mkdocs.plugin import ConstitutionPlugin

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

CONFIG = """\
site_name: Speed
docs_dir: docs
site_dir: {site}
theme:
  name: material
  font: false
plugins:
  - search
  - constitution:
      highlight: true
"""

CHAPTER = """\
# Examples {#examples}

Some code the search must still find, highlighted on the page:

```python
def refuse(request):  # never
    return "I can't help with that."
```

```html
<p class="note">A <em>quoted</em> &amp; escaped example</p>
```

    indented code, not highlighted

::: definition {#term term="a term"}
A definition with `inline code` beside the blocks.
:::
"""


def build(root: Path, site: str) -> Path:
    (root / "mkdocs.yml").write_text(CONFIG.format(site=site), "utf-8")
    result = CliRunner().invoke(cli, ["build", "--config", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    return root / site


def files_of(site: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(site)): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and not path.name.startswith("sitemap.xml")
    }


def test_search_sees_the_same_code_without_the_highlighting_tags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "01-examples.md").write_text(CHAPTER, "utf-8")
    fast = files_of(build(tmp_path, "fast"))
    page = fast["01-examples/index.html"].decode()
    assert '<span class="nf">refuse</span>' in page  # the page keeps its highlighting
    monkeypatch.delattr(ConstitutionPlugin, "on_page_context")
    slow = files_of(build(tmp_path, "slow"))
    assert fast.keys() == slow.keys()
    assert [name for name in fast if fast[name] != slow[name]] == []
    index = fast["search/search_index.json"].decode()
    assert "refuse(request)" in index
    assert "I can&#x27;t help" in index or "I can't help" in index
