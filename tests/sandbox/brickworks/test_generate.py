"""Generation rules on their own: the value order, nested defaults, drift, sandboxed inserts."""

from __future__ import annotations

import pytest

from apps.sandbox.brickworks.generate import GenerationError, generate

FIELDS = {
    "title": {"type": "text", "default": "Hello {{ customer.firstName }}"},
    "body": {"type": "richtext"},
    "tags": {"type": "list", "items": {"type": "text"}},
    "box": {
        "type": "object",
        "properties": {
            "label": {"type": "text", "default": "Buy"},
            "inner": {"type": "object", "properties": {"size": {"type": "number", "default": 2}}},
        },
    },
    "plain": {"type": "text"},
}


def test_the_four_levels_in_order() -> None:
    assert generate(FIELDS, {"title": "Stored"}, field_context={"title": "Context"})["title"] == "Context"
    assert generate(FIELDS, {"title": "Stored"})["title"] == "Stored"
    assert generate(FIELDS, {}, profile={"firstName": "Ann"})["title"] == "Hello Ann"
    assert generate(FIELDS, {})["box"] == {"label": "Buy", "inner": {"size": 2}}


def test_drift_and_missing_values() -> None:
    out = generate(FIELDS, {"gone": "from an old schema"})
    assert "gone" not in out and "plain" not in out and "body" not in out
    assert list(out) == ["title", "box"]


def test_inserts_render_everywhere_with_their_context() -> None:
    out = generate(
        FIELDS,
        {"tags": ["{{ profile.city }}", "{{ context[0] }}"], "box": {"label": "{{ customer.missing }}!"}},
        profile={"city": "Krakow"},
        context=["summer"],
    )
    assert out["tags"] == ["Krakow", "summer"]
    assert out["box"]["label"] == "!"


def test_richtext_escapes_profile_values() -> None:
    out = generate(FIELDS, {"body": "<p>{{ customer.name }}</p>"}, profile={"name": "<script>x</script>"})
    assert out["body"] == "<p>&lt;script&gt;x&lt;/script&gt;</p>"


@pytest.mark.parametrize(
    ("template", "refused"),
    [
        ("{{ ''.__class__.__mro__ }}", "access to attribute '__class__' of 'str' object is unsafe."),
        ("{{ cycler.__init__.__globals__ }}", "access to attribute '__init__' of 'type' object is unsafe."),
        ("{{ customer.update({'a': 1}) }}", "access to attribute 'update' of 'dict' object is unsafe."),
        (
            "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
            "access to attribute '__class__' of 'tuple' object is unsafe.",
        ),
    ],
)
def test_inserts_cannot_escape_the_sandbox(template: str, refused: str) -> None:
    with pytest.raises(GenerationError) as caught:
        generate(FIELDS, {"plain": template}, profile={"a": 0})
    assert caught.value.field == "plain"
    assert str(caught.value) == f"plain: {refused}"


def test_an_insert_reads_no_dunder_attribute() -> None:
    assert generate(FIELDS, {"plain": "{{ customer.__class__ }}"}, profile={"a": 0})["plain"] == ""


def test_relations_and_external_sources_use_the_callbacks() -> None:
    fields = {
        "one": {"type": "relation", "schema": "authors"},
        "many": {"type": "relation", "schema": "authors", "multiple": True},
        "live": {"type": "external", "source": "s-1"},
    }
    found = {"r1": {"__id": "r1"}}
    calls: list[tuple[str, dict, dict]] = []

    def fetch(source: str, params: dict, profile: dict) -> dict:
        calls.append((source, params, profile))
        return {"ok": True}

    out = generate(
        fields,
        {"one": "r2", "many": ["r1", "r2"], "live": {"q": 1}},
        profile={"id": 7},
        resolve_relation=lambda app_id, record_id: found.get(record_id),
        fetch_external=fetch,
    )
    assert "one" not in out  # not published: left out
    assert out["many"] == [{"__id": "r1"}]
    assert out["live"] == {"ok": True}
    assert calls == [("s-1", {"q": 1}, {"id": 7})]
