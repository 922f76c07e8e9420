"""The README's "From Python" tutorial, run as written (needs torch; Scripts/python-tutorial.sh sets that up)."""
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def tutorial_code() -> str:
    section = README.read_text().split("## From Python", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "README's 'From Python' section has no ```python block"
    return match.group(1)


@pytest.mark.torch
@pytest.mark.skipif(not README.is_file(), reason="not in a checkout of the repository")
def test_readme_tutorial_runs_as_written(tmp_path, monkeypatch, capsys):
    pytest.importorskip("torch")
    monkeypatch.chdir(tmp_path)
    exec(compile(tutorial_code(), "README.md (From Python)", "exec"), {"__name__": "__tutorial__"})
    printed = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"\d+ TLUs, [0-9.]+ s per sample", printed[0])
    assert re.fullmatch(r"\[[01]( [01]){3}\]", printed[-1])  # four decrypted classes from the server
    assert (tmp_path / "model_dir" / "client" / "spec").is_file()
