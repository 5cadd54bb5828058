"""Where the checkout and the shared corpus are, independent of the current directory."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The repository checkout (the folder holding ``pyproject.toml``)."""

CORPUS_ENV = "CONSTITUTION_CORPUS_DIR"


def find_corpus_dir(repo_root: Path = REPO_ROOT) -> Path | None:
    """The shared corpus: ``$CONSTITUTION_CORPUS_DIR``, else ``shared/corpus`` beside the checkout.

    Returns None when that folder does not exist or is empty.
    """
    configured = os.environ.get(CORPUS_ENV)
    corpus = Path(configured) if configured else repo_root.parent / "shared" / "corpus"
    if corpus.is_dir() and any(corpus.iterdir()):
        return corpus.resolve()
    return None
