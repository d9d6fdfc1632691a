"""The first run on a machine says that it compiles the numerical core once (numba's cold start)."""

from pathlib import Path

import socsec.excel.doctor as doctor
from socsec import cli

EXAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "jordan_example.xlsx"


def test_an_empty_cache_is_announced_before_projecting(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(doctor, "kernel_cache_state", lambda: (["a"], ["b", "c"], str(tmp_path)))
    assert cli.main(["solve", str(EXAMPLE), "--horizon", "2", "--low", "0.1", "--high", "0.5"]) == 0
    err = capsys.readouterr().err
    assert "First run: compiling the numerical core once (2 of 3 kernels" in err
    assert err.index("First run") < err.index("Solving for")


def test_a_compiled_cache_is_not_announced(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(doctor, "kernel_cache_state", lambda: (["a", "b"], [], str(tmp_path)))
    cli._projecting("Projecting ...")
    assert capsys.readouterr().err == "Projecting ...\n"
