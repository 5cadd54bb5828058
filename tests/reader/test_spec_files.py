"""The compiler owns every file of the spec (`compiler.spec_files`): what is not a chapter, a
checked image or `constitution.yaml` is refused, two files at one address or a file where the
site generates something are refused, links must lead to published files, and the site holds
nothing the compiler did not approve. `check` and `build` report the same, and a refused file is
never published, not even by a live preview."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.preview import build_preview
from test_hostile_site import PNG, SVG, payload_site  # noqa: F401  (a fixture)
from test_site_build import TEST_CONFIG, build, make_project

from compiler.cli import cli
from compiler.spec_files import fold, generated_at, page_addresses

CHAPTER = "# Chapter {{#chapter-{n}}}\n\nSome text.\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)
GIF = b"GIF89a" + bytes(20)
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8 " + bytes(20)
AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00" + bytes(20)
#: One image of each format a spec may hold.
IMAGES = {"a.png": PNG, "b.jpg": JPEG, "c.jpeg": JPEG, "d.gif": GIF, "e.webp": WEBP,
          "f.avif": AVIF, "G.PNG": PNG, "h.svg": SVG.encode()}  # fmt: skip
FLAT_CONFIG = TEST_CONFIG + "use_directory_urls: false\n"


def write_spec(root: Path, files: dict[str, str | bytes], config: str = TEST_CONFIG) -> Path:
    """A project with `files` in docs/ (text chapters get unique ids); returns mkdocs.yml."""
    root.mkdir(parents=True, exist_ok=True)
    config_file = make_project(root, {}, config)
    for n, (name, content) in enumerate(files.items()):
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content or CHAPTER.format(n=n), "utf-8")
    return config_file


def problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": CC" in line]


def check_and_build(root: Path, files: dict[str, str | bytes], config: str = TEST_CONFIG) -> str:
    """`check` and `build` of a spec with problems: both exit 1 with the same diagnostics, and
    no site is written. Returns check's output."""
    config_file = write_spec(root, files, config)
    os.chdir(root)
    checked = CliRunner().invoke(cli, ["check", "docs"])
    built = build(config_file)
    assert checked.exit_code == 1, checked.output
    assert built.exit_code == 1, built.output
    assert problems(checked.output) == [
        line.replace(str(root / "docs"), "docs") for line in problems(built.output)
    ]
    assert not (root / "site").exists()
    return checked.output


@pytest.fixture(autouse=True)
def _keep_cwd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path.cwd())


# --- files that are not chapters or images ------------------------------------------------------

REFUSED = {
    "extra.markdown": "# Extra\n",
    "UP.MD": "# Up\n",
    "notes.Md": "# Notes\n",
    "evil.html": "<script>alert(1)</script>",
    "page.htm": "<script>alert(1)</script>",
    "app.js": "alert(1)",
    "style.css": "body{background:url(https://off-host.invalid/x)}",
    "data.json": "{}",
    "README": "text",
    "sub/constitution.yaml": "a: 1\n",
    "robots.txt": "User-agent: *",
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_file_that_is_not_a_chapter_or_an_image_is_refused(tmp_path: Path, name: str) -> None:
    output = check_and_build(tmp_path, {"index.md": "", name: REFUSED[name]})
    assert f"docs/{name}:1:1: CC110 '{name}' " in output, output


def test_a_markdown_file_with_another_extension_is_named_with_its_fix(tmp_path: Path) -> None:
    output = check_and_build(tmp_path, {"index.md": "", "UP.MD": "# Up\n"})
    assert "CC110 'UP.MD' is not read: chapters are Markdown files ending in '.md'" in output
    assert "hint: rename it to 'UP.md' to make it a chapter" in output


@pytest.mark.parametrize(
    ("name", "data", "found"),
    [
        ("a.png", b"<script>alert(1)</script>", "not an image of any allowed format"),
        ("b.png", JPEG, "a JPG image"),
        ("c.gif", PNG, "a PNG image"),
        ("d.jpg", b"", "not an image of any allowed format"),
        ("e.webp", b"RIFF\x00\x00\x00\x00WAVEfmt ", "not an image of any allowed format"),
    ],
)
def test_an_image_is_checked_by_its_content(
    tmp_path: Path, name: str, data: bytes, found: str
) -> None:
    output = check_and_build(tmp_path, {"index.md": "", name: data})
    assert f"docs/{name}:1:1: CC111 '{name}' is named as a " in output
    assert found in output


SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
HOSTILE_SVGS = {
    "script": f"{SVG_OPEN}<script>alert(1)</script></svg>",
    "handler": f'{SVG_OPEN}<rect width="1" height="1" onclick="alert(1)"/></svg>',
    "load handler": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "foreign object": f"{SVG_OPEN}<foreignObject><p>x</p></foreignObject></svg>",
    "xhtml script": f'{SVG_OPEN}<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></svg>',
    "animation": f'{SVG_OPEN}<a><set attributeName="href" to="javascript:alert(1)"/>x</a></svg>',
    "javascript link": f'{SVG_OPEN}<a href="javascript:alert(1)"><text>x</text></a></svg>',
    "xlink": f'{SVG_OPEN}<a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "remote image": f'{SVG_OPEN}<image href="https://off-host.invalid/x.png"/></svg>',
    "data image": f'{SVG_OPEN}<image href="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"/></svg>',
    "remote use": f'{SVG_OPEN}<use href="https://off-host.invalid/x.svg#a"/></svg>',
    "style import": f"{SVG_OPEN}<style>@import 'https://off-host.invalid/x.css';</style></svg>",
    "style url": f"{SVG_OPEN}<style>rect {{ fill: url(https://off-host.invalid/x) }}</style></svg>",
    "attribute url": f'{SVG_OPEN}<rect style="fill:url(//off-host.invalid/x)"/></svg>',
    "image-set": f"{SVG_OPEN}<style>rect {{ background: image-set('x.png' 1x) }}</style></svg>",
    "entities": '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    f"{SVG_OPEN}<text>&b;</text></svg>",
    "external entity": '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    f"{SVG_OPEN}<text>&x;</text></svg>",
    "stylesheet": '<?xml-stylesheet type="text/xsl" href="https://off-host.invalid/x.xsl"?>'
    f"{SVG_OPEN}</svg>",
    "not svg": "<html><script>alert(1)</script></html>",
    "no namespace": "<svg><script>alert(1)</script></svg>",
    "malformed": f"{SVG_OPEN}<rect>",
    "xml base": f'{SVG_OPEN}<g xml:base="https://off-host.invalid/"/></svg>',
    "event namespace": f'{SVG_OPEN}<g xmlns:ev="http://www.w3.org/2001/xml-events" ev:event="click"/></svg>',
}


@pytest.mark.parametrize("case", HOSTILE_SVGS)
def test_an_svg_that_could_run_or_load_something_is_refused(tmp_path: Path, case: str) -> None:
    output = check_and_build(tmp_path, {"index.md": "", "x.svg": HOSTILE_SVGS[case].encode()})
    assert "docs/x.svg:1:1: CC112 SVG image refused: " in output, output


def test_constitution_yaml_is_read_and_never_published(tmp_path: Path) -> None:
    config = write_spec(tmp_path, {"index.md": "", "constitution.yaml": "kinds: {}\n"})
    result = build(config)
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "site" / "constitution.yaml").exists()
    for name, text, message in (
        ("list", "- a list\n", "CC703 the declarations file must be a mapping"),
        ("broken", "a: [\n", "CC701 the declarations file is not valid YAML"),
    ):
        project = tmp_path / name
        project.mkdir()
        output = check_and_build(project, {"index.md": "", "constitution.yaml": text})
        assert message in output, output


# --- links ----------------------------------------------------------------------------------------


def test_links_must_lead_to_published_files(tmp_path: Path) -> None:
    text = (
        "# Home {#home}\n\n[a](evil.html) [b](extra.markdown) ![c](missing.png) [d](sub/)\n"
        "[e](../outside.png) [f](.hidden.png) ![ok](ok.png) [json](constitution.json)\n"
        "[schema](schemas/constitution.schema.json) [web](https://example.org/x.html)\n"
    )
    output = check_and_build(
        tmp_path,
        {"index.md": text, "evil.html": "<b>", "extra.markdown": "x", "ok.png": PNG,
         "sub/page.md": "", ".hidden.png": PNG},
    )  # fmt: skip
    lines = problems(output)
    assert [line.split(": ", 1)[1] for line in lines if "index.md" in line] == [
        "CC312 link to 'evil.html', which the site does not publish: it is refused (see its own "
        "diagnostic)",
        "CC312 link to 'extra.markdown', which the site does not publish: it is refused (see its "
        "own diagnostic)",
        "CC312 link to 'missing.png', which the site does not publish: it is not in the spec",
        "CC312 link to 'sub/', which the site does not publish: it is a folder, not a file",
        "CC105 link leaves the spec directory: '../outside.png'",
        "CC312 link to '.hidden.png', which the site does not publish: it is not in the spec",
    ]


# --- only what the compiler approved is published ----------------------------------------------


def published(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def test_a_live_preview_publishes_only_approved_files(tmp_path: Path) -> None:
    """A preview builds even while the spec has errors: the refused files still stay out."""
    files: dict[str, str | bytes] = {
        "index.md": "# Home {#home}\n\n" + "".join(f"![picture]({name})\n" for name in IMAGES),
        **IMAGES,
        **REFUSED,
        ".hidden.html": "<script>alert(1)</script>",
        "bad.svg": HOSTILE_SVGS["script"],
        "a.md": "",
        "a/index.md": "",
    }
    site = build_preview(write_spec(tmp_path, files))
    assert "The constitution has errors" in (site / "index.html").read_text("utf-8")
    for name, data in IMAGES.items():
        assert (site / name).read_bytes() == data, name
        assert f'<img src="{name}" alt="picture"' in (site / "index.html").read_text("utf-8")
    site_files = published(site)
    for name in [*REFUSED, ".hidden.html", "bad.svg"]:
        assert name not in site_files, name
    assert not any(p.startswith(("extra", "UP", "notes", "README")) for p in site_files)


def test_nothing_behind_a_link_to_a_folder_outside_the_spec_is_published(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(PNG)
    (outside / "secret.md").write_text("# Secret {#secret}\n", "utf-8")
    config = write_spec(tmp_path / "project", {"index.md": ""})
    (tmp_path / "project" / "docs" / "linked").symlink_to(outside, target_is_directory=True)
    site = build_preview(config)
    assert "index.html" in published(site)
    assert not any(p.startswith("linked") for p in published(site)), published(site)


# --- two files, one address ------------------------------------------------------------------------

NFC, NFD = unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café")
COLLISIONS = [
    ({"a.md": "", "a/index.md": ""}, "a.md", "CC310 'a.md' and 'a/index.md' would both be published at 'a/index.html'"),
    ({"index.md": "", "README.md": ""}, "README.md", "CC310 'README.md' and 'index.md' would both be published at 'index.html'"),
    ({"index.md": "", "sub/index.md": "", "sub/README.md": ""}, "sub/README.md", "CC310 'sub/README.md' and 'sub/index.md'"),
    ({"index.md": "", "A.md": "", "a.md": ""}, "a.md", "CC310 'a.md' and 'A.md' would both be published at 'a.html' (as 'A.html')"),
    ({"index.md": "", f"{NFC}.md": "", f"{NFD}.md": ""}, f"{NFC}.md", "CC310"),
    ({"index.md": "", "x.png": PNG, "X.png": PNG}, "x.png", "CC310 'x.png' and 'X.png'"),
    ({"index.md": "", "glossary/index.md": ""}, "glossary/index.md", "CC311 'glossary/index.md' would be published at 'glossary/index.html', where the site puts its generated 'glossary.md'"),
    ({"index.md": "", "Core-Values.md": ""}, "Core-Values.md", "CC311 'Core-Values.md'"),
    ({"index.md": "", "constraints/README.md": ""}, "constraints/README.md", "CC311"),
    ({"index.md": "", "versions/1.0.0.md": ""}, "versions/1.0.0.md", "CC311"),
    ({"index.md": "", "changes.md": ""}, "changes.md", "CC311"),
    ({"index.md": "", "print.md": ""}, "print.md", "CC311 'print.md' would be published at 'print.html', where the site puts its generated 'print.md'"),
    ({"index.md": "", "print/1.0.0.md": ""}, "print/1.0.0.md", "CC311"),
    ({"index.md": "", "pdf/a.png": PNG}, "pdf/a.png", "CC311"),
    ({"index.md": "", "search.md": ""}, "search.md", "CC311"),
    ({"index.md": "", "404.md": ""}, "404.md", "CC311 '404.md' would be published at '404.html'"),
    ({"index.md": "", "assets/images/favicon.png": PNG}, "assets/images/favicon.png", "CC311"),
    ({"index.md": "", "schemas/x.png": PNG}, "schemas/x.png", "CC311"),
]  # fmt: skip


@pytest.mark.parametrize("config", [TEST_CONFIG, FLAT_CONFIG], ids=["directory-urls", "flat-urls"])
@pytest.mark.parametrize(("files", "at", "message"), COLLISIONS)
def test_two_files_at_one_address_are_reported_at_check_time(
    tmp_path: Path, files: dict[str, str | bytes], at: str, message: str, config: str
) -> None:
    output = check_and_build(tmp_path, files, config)
    line = next((line for line in problems(output) if line.startswith(f"docs/{at}:")), "")
    assert f"docs/{at}:1:1: {message}" in line, output
    assert len(problems(output)) == 1, output


def test_readme_alone_is_the_home_page(tmp_path: Path) -> None:
    config = write_spec(tmp_path, {"README.md": "# Read me {#read-me}\n\nWelcome.\n"})
    result = build(config)
    assert result.exit_code == 0, result.output
    assert "Welcome." in (tmp_path / "site" / "index.html").read_text("utf-8")


def test_the_site_generates_only_where_the_policy_reserves(payload_site: Path) -> None:  # noqa: F811
    """Every file of a built site (with releases) comes from a spec file or is at an address the
    policy keeps for the site, so no chapter or image can ever take its place."""
    docs = payload_site.parent / "docs"
    from_spec = {
        fold(address)
        for path in docs.rglob("*")
        if path.is_file()
        for address in (
            page_addresses(path.relative_to(docs).as_posix())
            if path.suffix == ".md"
            else (path.relative_to(docs).as_posix(),)
        )
    }
    from compiler.site.build import MARKER  # how `build` knows a site it made, not a page

    built = [
        p.relative_to(payload_site).as_posix()
        for p in payload_site.rglob("*")
        if p.is_file() and p.relative_to(payload_site).as_posix() != MARKER
    ]
    assert len(built) > 30
    stray = [p for p in built if fold(p) not in from_spec and generated_at(fold(p)) is None]
    assert stray == ["index.html"]  # the home page: the spec's index.md, or the generated one


def test_an_id_the_theme_uses_is_refused(tmp_path: Path) -> None:
    """mkdocs-material reads its settings from the element `#__config`; a heading with that id
    would stand in for it (and break every script of the page)."""
    output = check_and_build(tmp_path, {"index.md": "# Home {#home}\n\n## Settings {#__config}\n"})
    assert "docs/index.md:3:1: CC313 id '__config' is reserved" in output, output
