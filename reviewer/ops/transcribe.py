"""``reviewer transcribe`` (SPEC §12, docs/listening.md): speech recognition on this machine,
behind the ``[asr]`` extra. Never opens a network connection."""

from __future__ import annotations

from reviewer.errors import ReviewerError
from reviewer.ops.core import OpResult
from reviewer.workspace import Workspace

ENGINES = ("pocketsphinx",)
HOW = "pip install 'reviewer[asr]'"


def engine_module(name: str):
    if name not in ENGINES:
        raise ReviewerError(f"no speech-recognition engine '{name}' (known: "
                            f"{', '.join(ENGINES)})")
    try:
        import pocketsphinx
    except ImportError:
        raise ReviewerError(f"transcribe needs the speech-recognition extra: {HOW}") from None
    return pocketsphinx


def transcribe_audit(ws: Workspace, audit_id: int, ref: str | None,
                     engine: str) -> OpResult[list[str]]:
    engine_module(engine)
    raise ReviewerError("transcribe: not built yet in this version (see docs/listening.md)")
