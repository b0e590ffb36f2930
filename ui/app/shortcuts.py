"""Every keyboard shortcut of the app, in one table. Screens build their actions from it and the
help overlay (F1) lists it, so what is shown is what works."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shortcut:
    action: str        # stable id used by the screens
    keys: tuple[str, ...]  # QKeySequence strings; the first is the one shown
    label: str
    where: str         # "Everywhere", "Scoring", "Player"


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("show_audits", ("Ctrl+1",), "Audits screen", "Everywhere"),
    Shortcut("show_scoring", ("Ctrl+2",), "Scoring screen", "Everywhere"),
    Shortcut("show_results", ("Ctrl+3",), "Results view", "Everywhere"),
    Shortcut("show_compare", ("Ctrl+4",), "Compare audits", "Everywhere"),
    Shortcut("show_calibration", ("Ctrl+5",), "Calibration: agreement and adjudication",
             "Everywhere"),
    Shortcut("show_plan", ("Ctrl+6",), "Improvement plan and its evidence", "Everywhere"),
    Shortcut("new_audit", ("Ctrl+N",), "New audit from a question set…", "Everywhere"),
    Shortcut("new_calibration", ("Ctrl+Shift+K",), "New calibration audit of the open audit…",
             "Everywhere"),
    Shortcut("assign_records", ("Ctrl+Shift+A",), "Share the open audit's records among "
             "reviewers…", "Everywhere"),
    Shortcut("sign_off", ("Ctrl+Shift+S",), "Sign off the open audit…", "Everywhere"),
    Shortcut("reopen", ("Ctrl+Shift+R",), "Reopen the open audit (with a reason)…",
             "Everywhere"),
    Shortcut("draw_sample", ("Ctrl+D",), "Import an incident list and draw a sample…",
             "Everywhere"),
    Shortcut("import_answers", ("Ctrl+I",), "Import an answer table…", "Everywhere"),
    Shortcut("export_report", ("Ctrl+P",), "Export report (PDF)…", "Everywhere"),
    Shortcut("export_results", ("Ctrl+Shift+E",), "Export results (XLSX or CSV)…",
             "Everywhere"),
    Shortcut("export_feedback", ("Ctrl+Shift+F",), "Export a feedback workbook, one sheet per "
             "operator, area… (XLSX)…", "Everywhere"),
    Shortcut("export_results_chart", ("Ctrl+Shift+Y",), "Export the Y-rate chart (PNG)…",
             "Everywhere"),
    Shortcut("export_comparison_report", ("Ctrl+Shift+C",), "Export the comparison report of "
             "the audits ticked on Compare (PDF)…", "Everywhere"),
    Shortcut("export_trend_chart", ("Ctrl+Shift+D",), "Export the trend chart of the audits "
             "ticked on Compare (PNG)…", "Everywhere"),
    Shortcut("export_plan_report", ("Ctrl+Shift+P",), "Export the plan report with its evidence "
             "(PDF or XLSX)…", "Everywhere"),
    Shortcut("export_agreement", ("Ctrl+Shift+G",), "Export the agreement shown on Calibration "
             "(text or JSON)…", "Everywhere"),
    Shortcut("preferences", ("Ctrl+,",), "Preferences (reviewer name)", "Everywhere"),
    Shortcut("help", ("F1", "?"), "Show this list of shortcuts", "Everywhere"),
    Shortcut("quit", ("Ctrl+Q",), "Quit", "Everywhere"),
    Shortcut("rename_audit", ("F2",), "Rename the selected audit…", "Audits"),
    Shortcut("answer_yes", ("Y",), "Answer Y", "Scoring"),
    Shortcut("answer_no", ("N",), "Answer N", "Scoring"),
    Shortcut("answer_na", ("A", "-"), "Answer n/a", "Scoring"),
    Shortcut("answer_choice", ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
             "Pick choice 1–9 (multi-choice: toggle it)", "Scoring"),
    Shortcut("clear_answer", ("Backspace", "Delete"), "Clear the answer", "Scoring"),
    Shortcut("next_question", ("Down", "J"), "Next question", "Scoring"),
    Shortcut("prev_question", ("Up", "K"), "Previous question", "Scoring"),
    Shortcut("next_record", ("PgDown", "Ctrl+Down"), "Next record", "Scoring"),
    Shortcut("prev_record", ("PgUp", "Ctrl+Up"), "Previous record", "Scoring"),
    Shortcut("next_incomplete", ("Ctrl+Return",), "Next incomplete record", "Scoring"),
    Shortcut("jump_ref", ("Ctrl+G",), "Jump to a record by ref", "Scoring"),
    Shortcut("search_transcripts", ("Ctrl+F",), "Search the audit's transcripts (Enter on a "
             "hit opens that record there, playing)", "Scoring"),
    Shortcut("toggle_incomplete", ("Ctrl+Shift+I",), "Show only incomplete records", "Scoring"),
    Shortcut("toggle_mine", ("Ctrl+Shift+M",), "My records: only those assigned to me "
             "(Ctrl+Return follows it)", "Scoring"),
    Shortcut("edit_note", ("E",), "Write a note on the current answer (Enter saves, Esc leaves)",
             "Scoring"),
    Shortcut("undo", ("Ctrl+Z",), "Undo your last answer or note in this audit", "Scoring"),
    Shortcut("show_history", ("Ctrl+H",), "Show the record's history (who answered, when, "
             "what it was); again to go back", "Scoring"),
    Shortcut("keep_main", ("A",), "Keep the main audit's answer", "Calibration"),
    Shortcut("take_other", ("B",), "Take the other audit's answer", "Calibration"),
    Shortcut("open_disagreement", ("Return", "Enter"), "Open the record to pick another answer",
             "Calibration"),
    Shortcut("refresh", ("F5",), "Compare again", "Calibration"),
    Shortcut("undo_decision", ("Ctrl+Z",), "Undo your last decision here (the row shows what "
             "it was)", "Calibration"),
    Shortcut("play_pause", ("Space",), "Play / pause the call recording", "Player"),
    Shortcut("skip_back", ("Ctrl+Left",), "Back 5 seconds", "Player"),
    Shortcut("skip_forward", ("Ctrl+Right",), "Forward 5 seconds", "Player"),
    Shortcut("slower", ("[", "Ctrl+Shift+Left"), "Slower (down to 0.5×)", "Player"),
    Shortcut("faster", ("]", "Ctrl+Shift+Right"), "Faster (up to 2×)", "Player"),
    Shortcut("insert_timestamp", ("T",), "Put the playing time [mm:ss] into the answer's note",
             "Player"),
    Shortcut("seek_last_timestamp", ("Ctrl+T",), "Play from the last [mm:ss] in the note "
             "(or click a time)", "Player"),
    Shortcut("toggle_skip_silence", ("S",), "Skip silence on or off (pauses over 1 s; "
             "remembered)", "Player"),
    Shortcut("focus_waveform", ("Ctrl+Shift+W",), "Go to the waveform (Esc goes back)",
             "Player"),
    Shortcut("focus_transcript", ("Ctrl+L",), "Go to the transcript (Esc goes back)",
             "Player"),
    Shortcut("note_from_line", ("Ctrl+Shift+T",), "Timed note from the transcript line "
             "under the cursor", "Player"),
    Shortcut("waveform_step", ("Left", "Right"), "Waveform: back / forward 1 second",
             "Waveform"),
    Shortcut("waveform_page", ("Shift+Left", "Shift+Right"), "Waveform: back / forward 10 "
             "seconds",
             "Waveform"),
    Shortcut("waveform_ends", ("Home", "End"), "Waveform: start / end of the call",
             "Waveform"),
    Shortcut("transcript_play", ("Return", "Enter"), "Transcript: play from the line "
             "(or click it)", "Transcript"),
)

BY_ACTION = {s.action: s for s in SHORTCUTS}

# The groups of keys live at the same time on each screen: a key may mean one thing per screen.
SCREENS: dict[str, tuple[str, ...]] = {
    "Audits": ("Everywhere", "Audits"),
    "Scoring": ("Everywhere", "Scoring", "Player", "Waveform", "Transcript"),
    "Calibration": ("Everywhere", "Calibration", "Player"),
}


def clashes() -> list[str]:
    """Keys that mean two things on one screen (there must be none)."""
    out = []
    for screen, groups in SCREENS.items():
        seen: dict[str, str] = {}
        for s in SHORTCUTS:
            if s.where not in groups:
                continue
            for k in s.keys:
                if k in seen and seen[k] != s.action:
                    out.append(f"{screen}: {k} is {seen[k]} and {s.action}")
                seen[k] = s.action
    return out


def keys(action: str) -> tuple[str, ...]:
    return BY_ACTION[action].keys
