"""docs/contracts.md §1: every validation error is reported as ``FILE:LINE: message`` with the line
of the offending question or key, never a traceback; and the question-set storage rule."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.questions.loader import QuestionSetError, load_file, load_text
from tests.conftest import ASB_SET, ROOT
from tests.unit.helpers import SMALL_SET, run_cli, write_set

HEAD = "id: t\ntitle: T\nversion: 1\n"


def problems(text: str, name: str = "set.yaml") -> list[str]:
    with pytest.raises(QuestionSetError) as info:
        load_text(text, name)
    assert info.value.problems, "an error must carry at least one problem"
    return info.value.problems


def only(text: str, line: int, *words: str) -> str:
    """The single problem reported, checked for its FILE:LINE: prefix and key words."""
    found = problems(text)
    assert len(found) == 1, found
    assert found[0].startswith(f"set.yaml:{line}: "), found[0]
    for w in words:
        assert w in found[0], (w, found[0])
    assert "Traceback" not in found[0]
    return found[0]


def test_a_valid_set_loads():
    qs = load_text(SMALL_SET, "small.yaml")
    assert [q.id for q in qs.questions] == ["1", "2", "2a", "2b", "3", "3a", "4", "5"]
    assert [s.id for s in qs.sections] == ["s1", "s2"]
    assert qs.by_id["3a"].ask_if == (("3", ("Response", "CID")),)
    assert qs.by_id["3"].na is False and qs.by_id["1"].na is True


# -- unknown keys ------------------------------------------------------------------------------
def test_unknown_top_level_key():
    only(HEAD + "colour: blue\nquestions:\n  - id: '1'\n    text: x\n    type: yes_no\n",
         4, "unknown key 'colour'", "question set")


def test_unknown_section_key():
    text = (HEAD + "sections:\n  - id: s\n    titel: S\nquestions:\n"
            "  - id: '1'\n    section: s\n    text: x\n    type: yes_no\n")
    only(text, 6, "unknown key 'titel'", "section")


def test_unknown_question_key_names_the_allowed_ones():
    text = HEAD + "questions:\n  - id: '1'\n    text: x\n    type: yes_no\n    guidence: g\n"
    msg = only(text, 8, "unknown key 'guidence'", "question")
    assert "guidance" in msg  # the allowed keys help spot the typo


# -- missing keys ------------------------------------------------------------------------------
@pytest.mark.parametrize("missing", ["id", "text", "type"])
def test_question_missing_a_required_key(missing):
    keys = {"id": "    id: '7'\n", "text": "    text: x\n", "type": "    type: yes_no\n"}
    body = "".join(v for k, v in keys.items() if k != missing)
    text = HEAD + "questions:\n  - dummy: 0\n" + body
    text = text.replace("  - dummy: 0\n    ", "  - ", 1)
    only(text, 5, f"missing '{missing}'")


@pytest.mark.parametrize("missing", ["id", "title", "version", "questions"])
def test_set_missing_a_required_key(missing):
    lines = {"id": "id: t\n", "title": "title: T\n", "version": "version: 1\n",
             "questions": "questions:\n  - id: '1'\n    text: x\n    type: yes_no\n"}
    text = "".join(v for k, v in lines.items() if k != missing)
    only(text, 1, f"'{missing}'")


def test_empty_question_text_is_missing_text():
    only(HEAD + "questions:\n  - id: '1'\n    text:\n    type: yes_no\n", 6, "text")


# -- duplicates --------------------------------------------------------------------------------
def test_duplicate_question_ids():
    text = (HEAD + "questions:\n  - id: '2a'\n    text: x\n    type: yes_no\n"
            "  - id: '2a'\n    text: y\n    type: yes_no\n")
    only(text, 8, "duplicate question id '2a'")


def test_unquoted_and_quoted_ids_are_the_same_id():
    text = (HEAD + "questions:\n  - id: 1\n    text: x\n    type: yes_no\n"
            "  - id: \"1\"\n    text: y\n    type: yes_no\n")
    only(text, 8, "duplicate question id '1'")


def test_an_unquoted_id_is_usable_as_a_string():
    text = (HEAD + "questions:\n  - id: 1\n    text: x\n    type: yes_no\n"
            "  - id: 2\n    text: y\n    type: yes_no\n    ask_if: {\"1\": Y}\n")
    qs = load_text(text)
    assert [q.id for q in qs.questions] == ["1", "2"]
    assert qs.by_id["2"].ask_if == (("1", ("Y",)),)


def test_duplicate_section_ids():
    text = (HEAD + "sections:\n  - id: s\n    title: A\n  - id: s\n    title: B\nquestions:\n"
            "  - id: '1'\n    section: s\n    text: x\n    type: yes_no\n")
    only(text, 7, "duplicate section id 's'")


# -- sections ----------------------------------------------------------------------------------
def test_unknown_section():
    text = (HEAD + "sections:\n  - id: s\nquestions:\n"
            "  - id: '1'\n    section: t\n    text: x\n    type: yes_no\n")
    only(text, 8, "unknown section 't'")


def test_question_without_section_when_the_set_has_sections():
    text = (HEAD + "sections:\n  - id: s\nquestions:\n"
            "  - id: '1'\n    section: s\n    text: x\n    type: yes_no\n"
            "  - id: '2'\n    text: y\n    type: yes_no\n")
    only(text, 11, "'2'", "section")


def test_a_set_without_sections_is_one_untitled_section():
    qs = load_text(HEAD + "questions:\n  - id: '1'\n    text: x\n    type: yes_no\n")
    assert len(qs.sections) == 1 and qs.sections[0].title == ""
    assert [q.id for q in qs.section_questions(qs.sections[0].id)] == ["1"]


# -- types and choices -------------------------------------------------------------------------
def test_unknown_type_lists_the_known_ones():
    msg = only(HEAD + "questions:\n  - id: '1'\n    text: x\n    type: yesno\n", 7,
               "unknown type 'yesno'")
    assert "yes_no" in msg and "multi_choice" in msg


@pytest.mark.parametrize("qtype", ["choice", "multi_choice"])
def test_choice_question_without_choices(qtype):
    only(HEAD + f"questions:\n  - id: '1'\n    text: x\n    type: {qtype}\n", 5,
         "'1'", "choices")


@pytest.mark.parametrize("qtype", ["choice", "multi_choice"])
def test_choice_question_with_an_empty_list(qtype):
    only(HEAD + f"questions:\n  - id: '1'\n    text: x\n    type: {qtype}\n    choices: []\n",
         8, "choices")


@pytest.mark.parametrize("qtype", ["choice", "multi_choice"])
def test_duplicate_choices(qtype):
    text = (HEAD + f"questions:\n  - id: '1'\n    text: x\n    type: {qtype}\n"
            "    choices:\n      - Age\n      - Other\n      - Age\n")
    only(text, 11, "'Age' twice")


@pytest.mark.parametrize("qtype", ["choice", "multi_choice"])
def test_a_semicolon_in_any_choice_label(qtype):
    text = (HEAD + f"questions:\n  - id: '1'\n    text: x\n    type: {qtype}\n"
            "    choices:\n      - Age\n      - Age; other\n")
    assert only(text, 10, "'Age; other'", "';'") == (
        "set.yaml:10: choice 'Age; other' of question '1' contains ';' (it separates the labels "
        "of a multi_choice answer)")


def test_choices_on_a_yes_no_question():
    only(HEAD + "questions:\n  - id: '1'\n    text: x\n    type: yes_no\n    choices: [A]\n",
         8, "cannot have choices")


# -- ask_if ------------------------------------------------------------------------------------
TWO = (HEAD + "questions:\n  - id: '1'\n    text: x\n    type: yes_no\n"
       "  - id: '2'\n    text: y\n    type: choice\n    choices: [Response, None]\n")


def test_ask_if_naming_an_unknown_question():
    only(TWO + "  - id: '3'\n    text: z\n    type: yes_no\n    ask_if: {'9': Y}\n",
         15, "'9'", "unknown")


def test_ask_if_naming_a_later_question():
    text = (HEAD + "questions:\n  - id: '1'\n    text: x\n    type: yes_no\n"
            "    ask_if: {'2': Y}\n  - id: '2'\n    text: y\n    type: yes_no\n")
    only(text, 8, "'2'", "later")


def test_ask_if_naming_the_question_itself():
    only(HEAD + "questions:\n  - id: '1'\n    text: x\n    type: yes_no\n    ask_if: {'1': Y}\n",
         8, "'1'", "later")


def test_ask_if_answer_a_yes_no_cannot_have():
    msg = only(TWO + "  - id: '3'\n    text: z\n    type: yes_no\n    ask_if: {'1': Maybe}\n",
               15, "'Maybe'")
    assert "Y, N" in msg


def test_ask_if_unknown_choice_label_in_a_list():
    msg = only(TWO + "  - id: '3'\n    text: z\n    type: yes_no\n"
               "    ask_if:\n      '2':\n        - response\n        - CID\n",
               18, "'CID'")
    assert "Response" in msg


def test_ask_if_cannot_name_na():
    only(TWO + "  - id: '3'\n    text: z\n    type: yes_no\n    ask_if: {'1': n/a}\n",
         15, "'n/a'")


def test_ask_if_values_are_read_in_the_parents_spelling():
    qs = load_text(TWO + "  - id: '3'\n    text: z\n    type: yes_no\n"
                   "    ask_if: {'1': yes, '2': [response, NONE]}\n")
    assert qs.by_id["3"].ask_if == (("1", ("Y",)), ("2", ("Response", "None")))


# -- files -------------------------------------------------------------------------------------
def test_invalid_yaml_reports_its_line():
    text = HEAD + "questions:\n  - id: '1'\n    text: [x\n    type: yes_no\n"
    found = problems(text)
    assert len(found) == 1
    assert found[0].startswith("set.yaml:7: invalid YAML"), found


def test_invalid_yaml_tab_indentation():
    found = problems("id: t\n\ttitle: T\n")
    assert found == [found[0]] and found[0].startswith("set.yaml:2: invalid YAML")


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_an_empty_file(text):
    found = problems(text)
    assert len(found) == 1 and found[0].startswith("set.yaml:1: ") and "empty" in found[0]


def test_every_problem_is_reported_at_once():
    text = (HEAD + "questions:\n  - id: '1'\n    text: x\n    type: yesno\n"
            "  - id: '1'\n    text: y\n    type: yes_no\n  - id: '2'\n    text: z\n"
            "    type: yes_no\n    ask_if: {'3': Y}\n    colour: red\n")
    found = problems(text)
    lines = sorted(int(p.split(":")[1]) for p in found)
    assert lines == [7, 8, 14, 15], found


def test_load_file_uses_the_path_as_name(tmp_path):
    path = write_set(tmp_path, HEAD + "questions:\n  - id: '1'\n    text: x\n    type: yesno\n",
                     "bad.yaml")
    with pytest.raises(QuestionSetError) as info:
        load_file(path)
    assert info.value.problems[0].startswith(f"{path}:7: ")


def test_a_missing_file_is_one_line(tmp_path):
    with pytest.raises(QuestionSetError) as info:
        load_file(tmp_path / "nope.yaml")
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith(f"{tmp_path / 'nope.yaml'}:1: ")


# -- reviewer sets validate --------------------------------------------------------------------
def test_validate_accepts_the_shipped_sets():
    sets = sorted(str(p) for p in (ROOT / "question_sets").glob("*.yaml"))
    assert sets
    done = subprocess.run([sys.executable, "-m", "reviewer", "sets", "validate", *sets],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def test_validate_reports_lines_on_stderr(tmp_path):
    good = write_set(tmp_path, SMALL_SET, "good.yaml")
    bad = write_set(tmp_path, TWO + "  - id: '2'\n    text: z\n    type: yes_no\n"
                    "    ask_if: {'1': Maybe}\n", "bad.yaml")
    done = subprocess.run([sys.executable, "-m", "reviewer", "sets", "validate",
                           str(good), str(bad)], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith(str(bad))]
    assert lines and all(ln.startswith(f"{bad}:") for ln in lines)
    assert any(ln.startswith(f"{bad}:12: ") and "duplicate question id '2'" in ln
               for ln in lines), lines
    assert not any(ln.startswith(f"{good}:") and "ok" not in ln
                   for ln in done.stderr.splitlines())


@pytest.mark.parametrize("content", ["", "key: [unclosed\n", "- a list\n", "id: 3\n"])
def test_validate_never_shows_a_traceback(tmp_path, capsys, content):
    path = write_set(tmp_path, content, "odd.yaml")
    code, out, err = run_cli(capsys, "sets", "validate", str(path))
    assert code == 1
    assert out == ""
    assert err.strip() and all(ln.startswith(f"{path}:") for ln in err.splitlines()), err
    assert "Traceback" not in err


@pytest.mark.parametrize("content, line", [
    ("[" * 5000 + "]" * 5000 + "\n", 1),
    ("{a: " * 5000 + "}" * 5000 + "\n", 1),
    (HEAD + "questions:\n" + "".join("  " * i + "-\n" for i in range(1, 5000)), 54),
])
def test_deep_nesting_is_a_located_error(tmp_path, capsys, content, line):
    path = write_set(tmp_path, content, "deep.yaml")
    code, out, err = run_cli(capsys, "sets", "validate", str(path))
    assert code == 1 and out == ""
    assert err == (f"{path}:{line}: the YAML is nested more than 50 levels deep (a question set "
                   "needs no more than 5)\n")


def test_nesting_a_set_needs_is_fine():
    qs = load_text(HEAD + "questions:\n  - id: '1'\n    text: x\n    type: choice\n"
                   "    choices: [A, B]\n  - id: '2'\n    text: y\n    type: yes_no\n"
                   "    ask_if: {'1': [A, B]}\n")
    assert qs.questions[1].ask_if == (("1", ("A", "B")),)


def test_validate_a_missing_file(tmp_path, capsys):
    code, _, err = run_cli(capsys, "sets", "validate", str(tmp_path / "nope.yaml"))
    assert code == 1 and err.startswith(f"{tmp_path / 'nope.yaml'}:1: ")


# -- storage: an audit keeps its set -----------------------------------------------------------
def count_sets(db) -> int:
    return db.scalar("SELECT COUNT(*) FROM question_set")


def test_audit_create_twice_reuses_the_stored_set(db, tmp_path):
    from tests.actions import create_audit

    path = write_set(tmp_path)
    a = create_audit(db, "First", path)
    # The same content with different comments and layout is the same set.
    relaid = "# a comment\n" + SMALL_SET.replace('{"2": "Y"}', '\n      "2": "Y"')
    b = create_audit(db, "Second", write_set(tmp_path, relaid, "copy.yaml"))
    assert a.question_set_id == b.question_set_id
    assert count_sets(db) == 1


def test_same_id_and_version_with_different_content_asks_to_bump(db, tmp_path, capsys):
    from tests.actions import create_audit

    create_audit(db, "First", write_set(tmp_path))
    changed = write_set(tmp_path, SMALL_SET.replace("Comment", "Auditor's comment"), "new.yaml")
    code, _, err = run_cli(capsys, "--db", db.target, "audit", "create", "Second",
                           "--set", str(changed))
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "version" in err and "bump" in err
    assert "Traceback" not in err
    assert count_sets(db) == 1
    assert db.scalar("SELECT COUNT(*) FROM audit") == 1
    # Bumping the version stores a second set; the first audit keeps version 1.
    bumped = write_set(tmp_path, SMALL_SET.replace("Comment", "Auditor's comment")
                       .replace("version: 1", "version: 2"), "v2.yaml")
    code, _, err = run_cli(capsys, "--db", db.target, "audit", "create", "Second",
                           "--set", str(bumped))
    assert code == 0, err
    from reviewer.store.audits import get_audit, question_set

    assert count_sets(db) == 2
    first, second = get_audit(db, "First"), get_audit(db, "Second")
    assert (first.set_version, second.set_version) == (1, 2)
    assert question_set(db, first).by_id["5"].text == "Comment"
    assert question_set(db, second).by_id["5"].text == "Auditor's comment"


def test_audit_create_with_a_bad_set_writes_nothing(db, tmp_path, capsys):
    bad = write_set(tmp_path, HEAD + "questions:\n  - id: '1'\n    text: x\n    type: yesno\n")
    code, _, err = run_cli(capsys, "--db", db.target, "audit", "create", "A", "--set", str(bad))
    assert code == 1
    assert err.startswith(f"{bad}:7: ")
    assert db.scalar("SELECT COUNT(*) FROM audit") == 0


def test_the_asb_set_round_trips_through_storage():
    from reviewer.questions.model import QuestionSet

    qs = load_file(ASB_SET)
    again = QuestionSet.from_json(qs.to_json())
    assert again.to_json() == qs.to_json()
    assert again.content_hash() == qs.content_hash()
    assert Path(ASB_SET).exists()
