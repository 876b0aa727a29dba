"""labkit: what learners import loads the data and never opens an answer key."""

from __future__ import annotations

import subprocess
import sys

import labkit
from tests.conftest import ROOT

AUDIT = """
import sys
opened = []
sys.addaudithook(lambda event, args: event == "open" and opened.append(str(args[0])))
import labkit
logs = labkit.load_chat_logs(); kb = labkit.load_knowledge_base()
frame = labkit.logs_frame(); kb_frame = labkit.knowledge_base_frame()
book = labkit.load_codebook(); prompt = labkit.load_system_prompt()
print("\\n".join(opened))
"""


def test_labkit_never_opens_solutions():
    done = subprocess.run([sys.executable, "-c", AUDIT], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    opened = done.stdout.splitlines()
    assert any(path.endswith("logs.jsonl") for path in opened)
    assert not [path for path in opened if "/solutions/" in path or "answer_key" in path]


def test_labkit_source_names_no_answer_key():
    for source in (ROOT / "labkit").rglob("*.py"):
        text = source.read_text()
        assert "solutions" not in text and "answer_key" not in text, source


def test_frames_have_one_row_per_item():
    frame = labkit.logs_frame()
    assert len(frame) == 100 and frame["log_id"].is_unique
    assert {"timestamp", "channel", "turn_count", "complained", "csat", "transcript"} <= set(
        frame.columns)
    assert str(frame["csat"].dtype) == "Int64"
    kb = labkit.knowledge_base_frame()
    assert kb["id"].is_unique and len(kb) >= 10
