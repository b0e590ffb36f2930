"""The fields of a question-set file read from its YAML nodes (docs/contracts.md §1): each value
checked, every problem kept as ``FILE:LINE: message`` from the node's mark. :class:`Fields` is
the base of ``questions.loader``'s builder: the node readers (a single value, a mapping of known
keys) and the checks of a question's ``choices``, ``ask_if``, ``target``/``direction`` and
``same_as``/``why``. Stdlib and PyYAML only."""

from __future__ import annotations

from typing import Any

import yaml

from reviewer.questions.model import DIRECTIONS, NA_TOKENS, Question


class Fields:
    """Reads values from the YAML nodes of the file ``name``, collecting ``problems``."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[str] = []
        self._ctor = yaml.SafeLoader("")

    def err(self, node: yaml.Node | None, msg: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(f"{self.name}:{line}: {msg}")

    def scalar(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self._ctor.construct_object(node, deep=True)
        return None

    def text(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            self.err(node, f"{what} must be a single value")
            return ""
        if self.scalar(node) is None:
            return ""
        return str(node.value).strip()  # the text as written: `yes`, `1`, `2a` stay themselves

    def mapping(self, node: yaml.Node, what: str, allowed: set[str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.err(node, f"{what} must be a mapping of keys to values")
            return {}
        out: dict[str, yaml.Node] = {}
        for knode, vnode in node.value:
            key = str(self.scalar(knode))
            if key not in allowed:
                names = ", ".join(sorted(allowed))
                self.err(knode, f"unknown key '{key}' in {what} (allowed: {names})")
            elif key in out:
                self.err(knode, f"key '{key}' appears twice in {what}")
            else:
                out[key] = vnode
        return out

    def same_as(self, keys: dict[str, yaml.Node], qid: str) -> tuple[str, str]:
        """``same_as`` (the question's id in the set's earlier version) with ``why`` (the
        reason it is the same question): each needs the other."""
        same_as = self.text(keys["same_as"], "same_as") if "same_as" in keys else ""
        why = self.text(keys["why"], "why") if "why" in keys else ""
        if "same_as" in keys and not same_as:
            self.err(keys["same_as"], f"same_as of question '{qid}' must name a question id")
        if same_as and not why:
            self.err(keys["same_as"], f"question '{qid}' says same_as '{same_as}' without "
                                      "'why' (the reason it is the same question)")
        if "why" in keys and not same_as:
            self.err(keys["why"], f"question '{qid}' has 'why' without 'same_as'")
        return (same_as, why) if same_as and why else ("", "")

    def target(self, keys: dict[str, yaml.Node], qid: str,
               qtype: str) -> tuple[float | None, str]:
        """``target`` (a number strictly between 0 and 1) and ``direction`` (higher | lower):
        on yes_no questions only (docs/contracts.md §9)."""
        target, direction = None, "higher"
        for key in ("target", "direction"):
            if key in keys and qtype and qtype != "yes_no":
                self.err(keys[key], f"question '{qid}' of type {qtype} cannot have '{key}' "
                                    "(only yes_no questions have a target)")
        if "target" in keys:
            raw = self.scalar(keys["target"])
            if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not 0 < raw < 1:
                self.err(keys["target"], f"target of question '{qid}' must be a number between "
                                         "0 and 1, e.g. 0.7 for seven in ten")
            else:
                target = float(raw)
        if "direction" in keys:
            direction = self.text(keys["direction"], "direction")
            if direction not in DIRECTIONS:
                self.err(keys["direction"], f"direction of question '{qid}' must be higher or "
                                            f"lower, not '{direction}'")
                direction = "higher"
        return target, direction

    def choices(self, keys: dict[str, yaml.Node], qid: str, qtype: str) -> tuple[str, ...]:
        node = keys.get("choices")
        if qtype in ("choice", "multi_choice"):
            if node is None or not isinstance(node, yaml.SequenceNode) or not node.value:
                self.err(node or next(iter(keys.values()), None),
                         f"question '{qid}' of type {qtype} needs a non-empty list of choices")
                return ()
            out: list[str] = []
            for c in node.value:
                label = self.text(c, "a choice")
                if not label:
                    self.err(c, f"question '{qid}' has an empty choice")
                elif label.casefold() in {x.casefold() for x in out}:
                    self.err(c, f"question '{qid}' has the choice '{label}' twice")
                elif ";" in label:
                    self.err(c, f"choice '{label}' of question '{qid}' contains ';' (it "
                                "separates the labels of a multi_choice answer)")
                elif label.casefold() in NA_TOKENS:
                    self.err(c, f"choice '{label}' of question '{qid}' would read as n/a")
                else:
                    out.append(label)
            return tuple(out)
        if node is not None:
            self.err(node, f"question '{qid}' of type {qtype or '?'} cannot have choices")
        return ()

    def ask_if(self, node: yaml.Node, qid: str, earlier: dict[str, Question]):
        if not isinstance(node, yaml.MappingNode) or not node.value:
            self.err(node, f"ask_if of question '{qid}' must map question ids to answers")
            return ()
        out = []
        for knode, vnode in node.value:
            parent_id = self.text(knode, "ask_if key")
            parent = earlier.get(parent_id)
            if parent is None:
                where = "later" if parent_id == qid else "unknown or later"
                self.err(knode, f"ask_if of question '{qid}' names {where} question '{parent_id}'")
                continue
            if parent.type == "text":
                self.err(knode, f"ask_if of question '{qid}' names text question '{parent_id}'")
                continue
            raw = vnode.value if isinstance(vnode, yaml.SequenceNode) else [vnode]
            wanted: list[str] = []
            for item in raw:
                value = self.text(item, "ask_if answer")
                match = _canonical(parent, value)
                if match is None:
                    allowed = ", ".join(parent.allowed_values())
                    self.err(item, f"ask_if of question '{qid}': question '{parent_id}' cannot "
                                   f"be answered '{value}' (it takes {allowed})")
                elif match not in wanted:
                    wanted.append(match)
            if not raw:
                self.err(vnode, f"ask_if of question '{qid}' lists no answers for '{parent_id}'")
            if wanted:
                out.append((parent_id, tuple(wanted)))
        return tuple(out)


def _canonical(parent: Question, value: str) -> str | None:
    v = value.strip().casefold()
    if parent.type == "yes_no":
        return {"y": "Y", "yes": "Y", "n": "N", "no": "N"}.get(v)
    for c in parent.choices:
        if c.casefold() == v:
            return c
    return None
