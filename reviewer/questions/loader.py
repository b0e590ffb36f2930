"""Loading and validating question-set files (docs/contracts.md §1): YAML read with PyYAML, every
problem reported as ``FILE:LINE: message`` from the YAML node marks, never a traceback. Stdlib and
PyYAML only, so the command line stays fast. Each key's value is read and checked by
``questions.yaml_fields``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from reviewer.errors import ReviewerError
from reviewer.questions.model import TYPES, Question, QuestionSet, Section
from reviewer.questions.yaml_fields import Fields

ID_RE = re.compile(r"^[a-z0-9-]+$")
MAX_DEPTH = 50              # nesting of YAML lists/mappings (a question set uses 5)

SET_KEYS = {"id", "title", "version", "description", "sections", "questions"}
SECTION_KEYS = {"id", "title"}
QUESTION_KEYS = {"id", "section", "text", "ref", "type", "guidance", "label", "choices", "ask_if",
                 "target", "direction",
                 "na", "same_as", "why"}


class QuestionSetError(ReviewerError):
    """Raised with every problem found, each as ``FILE:LINE: message``."""


def load_file(path: str | Path) -> QuestionSet:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise QuestionSetError([f"{path}:1: cannot read file: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError:
        raise QuestionSetError([f"{path}:1: file is not UTF-8 text"]) from None
    return load_text(text, str(path))


def load_text(text: str, name: str = "<question set>") -> QuestionSet:
    _check_depth(text, name)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:  # not reached after _check_depth; never a traceback all the same
        raise QuestionSetError([f"{name}:1: the YAML is nested too deeply"]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise QuestionSetError([f"{name}:{line}: invalid YAML: {exc.problem or exc}"]) from None
    except yaml.YAMLError as exc:
        raise QuestionSetError([f"{name}:1: invalid YAML: {exc}"]) from None
    return _Builder(name).build(node)


def _check_depth(text: str, name: str) -> None:
    """A located error for YAML nested deeper than MAX_DEPTH. PyYAML's composer recurses once
    per level (a few thousand ``[`` exhaust Python's stack); its parser does not, so the events
    are counted first, stopping at the first level too deep."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1
                    raise QuestionSetError([f"{name}:{line}: the YAML is nested more than "
                                            f"{MAX_DEPTH} levels deep (a question set needs "
                                            "no more than 5)"])
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return              # reported, with its line, by the composer


class _Builder(Fields):
    """A question set built from the root node, or QuestionSetError with every problem."""

    def build(self, root: yaml.Node | None) -> QuestionSet:
        if root is None:
            raise QuestionSetError([f"{self.name}:1: the file is empty"])
        top = self.mapping(root, "the question set", SET_KEYS)
        if not isinstance(root, yaml.MappingNode):
            raise QuestionSetError(self.problems)
        for key in ("id", "title", "version", "questions"):
            if key not in top:
                self.err(root, f"missing required key '{key}'")
        set_id = self.text(top["id"], "id") if "id" in top else ""
        if "id" in top and not ID_RE.match(set_id):
            self.err(top["id"], f"set id '{set_id}' must use only a-z, 0-9 and '-'")
        version = 0
        if "version" in top:
            raw = self.scalar(top["version"])
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
                self.err(top["version"], "version must be a whole number of 1 or more")
            else:
                version = raw
        sections = self.sections(top.get("sections"))
        questions = self.questions(top.get("questions"), sections)
        if self.problems:
            raise QuestionSetError(self.problems)
        return QuestionSet(
            id=set_id, title=self.text(top["title"], "title"), version=version,
            questions=questions, sections=[Section(s, t) for s, (t, _) in sections.items()],
            description=self.text(top["description"], "description") if "description" in top
            else "",
        )

    def sections(self, node: yaml.Node | None) -> dict[str, tuple[str, yaml.Node]]:
        out: dict[str, tuple[str, yaml.Node]] = {}
        if node is None:
            return out
        if not isinstance(node, yaml.SequenceNode):
            self.err(node, "sections must be a list")
            return out
        for snode in node.value:
            keys = self.mapping(snode, "a section", SECTION_KEYS)
            if "id" not in keys:
                self.err(snode, "section is missing 'id'")
                continue
            sid = self.text(keys["id"], "section id")
            if not sid:
                self.err(keys["id"], "section id must not be empty")
            elif sid in out:
                self.err(keys["id"], f"duplicate section id '{sid}'")
            else:
                out[sid] = (self.text(keys["title"], "title") if "title" in keys else "", snode)
        return out

    def questions(self, node: yaml.Node | None, sections: dict[str, Any]) -> list[Question]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.err(node, "questions must be a non-empty list")
            return []
        seen: dict[str, Question] = {}
        for qnode in node.value:
            q = self.question(qnode, sections, seen)
            if q is not None:
                seen[q.id] = q
        return list(seen.values())

    def question(self, qnode: yaml.Node, sections: dict[str, Any],
                 earlier: dict[str, Question]) -> Question | None:
        keys = self.mapping(qnode, "a question", QUESTION_KEYS)
        if not isinstance(qnode, yaml.MappingNode):
            return None
        missing = [k for k in ("id", "text", "type") if k not in keys]
        for k in missing:
            self.err(qnode, f"question is missing '{k}'")
        qid = self.text(keys["id"], "question id") if "id" in keys else ""
        if "id" in keys and not qid:
            self.err(keys["id"], "question id must not be empty")
        text = self.text(keys["text"], "text") if "text" in keys else ""
        if "text" in keys and not text:
            self.err(keys["text"], f"question '{qid}' has an empty 'text'")
        if qid in earlier:
            self.err(keys["id"], f"duplicate question id '{qid}'")
            return None
        qtype = self.text(keys["type"], "type") if "type" in keys else ""
        if "type" in keys and qtype not in TYPES:
            self.err(keys["type"], f"unknown type '{qtype}' (use one of: {', '.join(TYPES)})")
        section = self.text(keys["section"], "section") if "section" in keys else ""
        if sections and not section:
            self.err(qnode, f"question '{qid}' must name a section (the set has sections)")
        elif section and section not in sections:
            self.err(keys["section"], f"unknown section '{section}' in question '{qid}'")
        choices = self.choices(keys, qid, qtype)
        na = True
        if "na" in keys:
            raw = self.scalar(keys["na"])
            if not isinstance(raw, bool):
                self.err(keys["na"], "na must be true or false")
            else:
                na = raw
        target, direction = self.target(keys, qid, qtype)
        q = Question(
            id=qid, text=text, type=qtype,
            section=section, ref=self.text(keys["ref"], "ref") if "ref" in keys else "",
            guidance=self.text(keys["guidance"], "guidance") if "guidance" in keys else "",
            label=self.text(keys["label"], "label") if "label" in keys else "",
            choices=choices, na=na, target=target, direction=direction,
        )
        if "ask_if" in keys:
            q = q._replace(ask_if=self.ask_if(keys["ask_if"], qid, earlier))
        same_as, why = self.same_as(keys, qid)
        if same_as:
            q = q._replace(same_as=same_as, same_as_why=why)
        return q if not missing and qid else None
