"""Where the speech is (docs/listening.md): the WebRTC voice detector on generated calls
(espeak-ng speech, pauses, hold tones, line hiss) keeps every voiced frame the generator
placed and finds the long silences and the hold tones to skip; profiles are cached by file;
recordings that cannot be analysed are one line each."""

from __future__ import annotations

import os
import shutil
import wave

import pytest

from benchmarks.callgen import make_call
from reviewer.analysis import speech
from reviewer.errors import ReviewerError
from reviewer.files import audio
from reviewer.ops.listening import call_profile
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")

SCRIPT = [("pause", 1.0), ("say", "Police, what is your emergency?"), ("pause", 2.5),
          ("hold", 6.0), ("pause", 0.8), ("say", "Thank you for holding."), ("pause", 0.4),
          ("say", "No."), ("pause", 3.0), ("say", "Is anybody hurt?"), ("pause", 1.5)]


def skipped_words(spoken, gaps):
    return [(s.text, v) for s in spoken for v in s.voiced if any(a <= v < b for a, b in gaps)]


def test_no_voiced_frame_falls_in_a_skipped_gap_and_hold_tones_are_skipped(tmp_path):
    spoken = make_call(tmp_path / "call.wav", SCRIPT)
    p = call_profile(tmp_path / "call.wav", cache=tmp_path / "cache")
    gaps = p.silences(longer_than=1.0)
    assert skipped_words(spoken, gaps) == []
    hold_start = spoken[0].end + 2.5
    assert any(a <= hold_start + 0.5 and b >= hold_start + 5.5 for a, b in gaps), gaps
    saved = sum(b - a for a, b in gaps) / p.duration
    assert saved > 0.4
    # every phrase is inside a speech region
    for s in spoken:
        assert any(a <= s.start and s.end <= b for a, b in p.speech), (s.text, p.speech)
    assert p.level_db is not None and -40 < p.level_db < -5
    assert len(p.peaks) == speech.PEAKS and max(p.peaks) <= 1.0


def test_a_quiet_caller_is_turned_up():
    assert speech.volume_for(-32.0) == pytest.approx(1.0)
    assert speech.volume_for(-20.0) == pytest.approx(0.5)
    assert speech.volume_for(-8.0) < 0.2
    assert speech.volume_for(None) == 0.5


def test_the_second_open_comes_from_the_cache_until_the_file_changes(tmp_path, monkeypatch):
    path = tmp_path / "call.wav"
    make_call(path, SCRIPT[:3])
    first = call_profile(path, cache=tmp_path / "cache")
    (entry,) = (tmp_path / "cache" / "profiles").iterdir()
    assert entry.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "cache" / "profiles").stat().st_mode & 0o777 == 0o700

    def no_decoding(*_a, **_k):
        raise AssertionError("decoded again")

    monkeypatch.setattr(audio, "read_pcm", no_decoding)
    assert call_profile(path, cache=tmp_path / "cache") == first
    make_call(path, SCRIPT[:5])          # a new recording under the same name
    os.utime(path, ns=(1, 1))
    with pytest.raises(AssertionError, match="decoded again"):
        call_profile(path, cache=tmp_path / "cache")


def test_the_demo_calls_decode_from_u_law(tmp_path):
    demo = sorted((ROOT / "data" / "audio").glob("*.wav"))[0]
    p = call_profile(demo, cache=tmp_path)
    assert 3 < p.duration < 8 and p.speech


@pytest.mark.parametrize("content,expected", [
    (b"RIFF\x00\x00\x00\x00WAVEjunk", "cannot be decoded here"),
    (b"", "cannot be decoded here"),
])
def test_undecodable_recordings_are_one_line(tmp_path, content, expected):
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(ReviewerError) as err:
        call_profile(path, cache=tmp_path)
    assert len(err.value.problems) == 1 and expected in err.value.problems[0]
    with pytest.raises(ReviewerError, match="the recording is missing"):
        call_profile(tmp_path / "gone.wav", cache=tmp_path)


def test_a_three_hour_recording_is_refused_in_one_line(tmp_path):
    path = tmp_path / "long.wav"
    with wave.open(str(path), "wb") as w:      # 3 hours at 1 kHz, 8-bit: 11 MB
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(1000)
        w.writeframes(b"\x80" * (3 * 3600 * 1000))
    assert audio.duration(path) == pytest.approx(3 * 3600, rel=0.01)
    with pytest.raises(ReviewerError) as err:
        call_profile(path, cache=tmp_path)
    assert "is 3:00:00 long" in err.value.problems[0]
