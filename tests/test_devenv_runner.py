"""devenv's watch over Odoo's runner (tools/devenv/log_stream.py): a run that waits for ever is
killed and said to hang, with the test it stopped in, instead of running into CI's time limit."""

import signal
import sys

from devenv.demo_commands import modules_fingerprint
from devenv.log_stream import stream_to_log


def test_a_silent_command_is_killed_and_said_to_hang(tmp_path, monkeypatch, capsys):
    log = tmp_path / "run.log"
    script = "import time; print('Starting TestX.test_waits ...', flush=True); time.sleep(60)"
    rc = stream_to_log([sys.executable, "-c", script], log, env={}, silence_limit=1)
    assert rc == -signal.SIGKILL
    text = log.read_text()
    assert "Starting TestX.test_waits" in text
    assert "HUNG: no output for 1s" in text
    assert "HUNG" in capsys.readouterr().err


def test_a_command_that_keeps_talking_is_left_alone(tmp_path):
    log = tmp_path / "run.log"
    script = "import time\nfor i in range(3):\n    print(i, flush=True); time.sleep(0.5)"
    rc = stream_to_log([sys.executable, "-c", script], log, env={}, silence_limit=30)
    assert rc == 0
    assert log.read_text().split() == ["0", "1", "2"]


def test_the_demo_is_updated_when_module_code_changes_not_tests(tmp_path):
    """`make run` after a `git pull` updates the demo's modules when what Odoo loads changed
    (a model, a view, a translation), not for a test or a picture."""
    module = tmp_path / "snn_x"
    (module / "models").mkdir(parents=True)
    (module / "tests").mkdir()
    (module / "static").mkdir()
    (module / "__manifest__.py").write_text("{'name': 'X'}")
    (module / "models" / "x.py").write_text("A = 1\n")
    (module / "tests" / "test_x.py").write_text("B = 1\n")
    before = modules_fingerprint(tmp_path, ["snn_x"])
    (module / "tests" / "test_x.py").write_text("B = 2\n")
    (module / "static" / "icon.png").write_bytes(b"png")
    assert modules_fingerprint(tmp_path, ["snn_x"]) == before
    (module / "models" / "x.py").write_text("A = 2\n")
    changed = modules_fingerprint(tmp_path, ["snn_x"])
    assert changed != before
    (module / "views.xml").write_text("<odoo/>")
    assert modules_fingerprint(tmp_path, ["snn_x"]) != changed
