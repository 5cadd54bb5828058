"""Bounded fuzzing for CI: generated constitutions, mutated real documents and raw bytes either
compile to schema-valid JSON or yield well-formed diagnostics; nothing is ever raised.

The long run is ``python tests/fuzz/run.py --minutes 10``; what it finds becomes a named case in
tests/data/invalid or tests/reader/test_hostile_input.py.
"""

from __future__ import annotations

from fuzz.strategies import (
    FILE_NAMES,
    check_files,
    check_site,
    check_texts,
    documents,
    mutated_seeds,
    site_specs,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BOUNDED = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@BOUNDED
@given(text=documents())
def test_generated_constitutions_keep_the_contract(text: str) -> None:
    check_texts([("spec.md", text)])


@BOUNDED
@given(text=mutated_seeds())
def test_mutated_real_documents_keep_the_contract(text: str) -> None:
    check_texts([("spec.md", text)])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=st.lists(
        st.tuples(FILE_NAMES, documents()), min_size=1, max_size=3, unique_by=lambda f: f[0]
    )
)
def test_multi_file_specs_keep_the_contract(files: list[tuple[str, str]]) -> None:
    check_texts(files)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.tuples(documents(), st.binary(max_size=8), st.integers(0, 10**4)).map(
            lambda t: t[0][: t[2]].encode("utf-8") + t[1] + t[0][t[2] :].encode("utf-8")
        ),
    ),
    name=FILE_NAMES,
)
def test_raw_bytes_through_the_reader_keep_the_contract(data: bytes, name: str) -> None:
    check_files([(name, data)])


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(files=site_specs())
def test_attribute_values_and_file_names_stay_text_through_a_site_build(
    files: list[tuple[str, bytes]],
) -> None:
    check_site(files)
