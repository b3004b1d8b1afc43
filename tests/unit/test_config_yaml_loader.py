"""Protects the one YAML loader every config file goes through (config/reading.py load_yaml):
a key written twice in one mapping is refused naming its path and lines, whatever YAML
spelling makes two keys one (`1` and `0x1`, `yes` and `true`), in flow and block style, in a
list item and under an anchor; YAML's merge key still works (keys beside `<<` override it, as
YAML says); Python tags stay refused; a YAML bomb is checked once per node, not per expansion.
"""

import time

import pytest

from modelops.config.reading import load_yaml
from modelops.errors import ConfigError

# (name, text, the one line's words after "f.yaml: ")
REFUSED = [
    ("block", "gate:\n  floors: {roc_auc: 0.99}\n  floors: {}\n",
     "duplicate key 'gate.floors' at lines 2 and 3"),
    ("top_level", "a: 1\nb: 2\na: 3\n", "duplicate key 'a' at lines 1 and 3"),
    ("flow", "a: {x: 1, y: 2, x: 3}\n", "duplicate key 'a.x' twice at line 1"),
    ("list_item", "s:\n- name: a\n  name: b\n", "duplicate key 's[0].name' at lines 2 and 3"),
    ("int_spellings", "m:\n  1: a\n  0x1: b\n",
     "duplicate key 'm.0x1' at lines 2 and 3 (first written '1', the same key to YAML)"),
    ("bool_spellings", "m:\n  yes: a\n  true: b\n",
     "duplicate key 'm.true' at lines 2 and 3 (first written 'yes', the same key to YAML)"),
    ("one_and_true", "m:\n  1: a\n  true: b\n", "duplicate key 'm.true' at lines 2 and 3"),
    ("under_an_anchor", "base: &b\n  k: 1\n  k: 2\nuse: *b\n",
     "duplicate key 'base.k' at lines 2 and 3"),
    ("inside_a_merged_base", "x:\n  <<: {a: 1, a: 2}\n", "duplicate key 'x.a' twice at line 2"),
    ("python_tag", "a: !!python/object/apply:os.system [echo]\n", "not valid YAML at line 1"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "words"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_with_one_line_naming_the_key_and_lines(name, text, words):
    with pytest.raises(ConfigError) as refused:
        load_yaml(text, "f.yaml")
    assert str(refused.value).startswith(f"f.yaml: {words}"), refused.value
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("base: &b {a: 1}\nx:\n  <<: *b\n  c: 2\n", {"base": {"a": 1}, "x": {"a": 1, "c": 2}}),
        ("base: &b {a: 1}\nx:\n  <<: *b\n  a: 2\n", {"base": {"a": 1}, "x": {"a": 2}}),
        ("a: &x {k: 1}\nb: *x\n", {"a": {"k": 1}, "b": {"k": 1}}),
        ("m: {a: 1, A: 2}\n", {"m": {"a": 1, "A": 2}}),  # keys are case-sensitive
        ("", None),
    ],
)
def test_what_yaml_allows_is_read_as_before(text, value):
    assert load_yaml(text, "f.yaml") == value


def test_a_yaml_bomb_is_checked_once_per_node():
    bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)
    )  # 10**9 leaves once expanded
    start = time.perf_counter()
    assert set(load_yaml(bomb, "bomb.yaml")) == {f"a{i}" for i in range(9)}
    assert time.perf_counter() - start < 2
