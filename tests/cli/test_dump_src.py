"""`metta dump-src`: file blocks for text sources, skipping binary, hidden and ignored files."""

import subprocess

from typer.testing import CliRunner

from metta_cli.app import app

runner = CliRunner()


def _tree(root):
    (root / "pkg").mkdir()
    (root / "pkg" / "a.py").write_text("print('a')\n")
    (root / "pkg" / "b.yaml").write_text("k: v")
    (root / "pkg" / "blob.py").write_bytes(b"\x00\x01binary")
    (root / "pkg" / "notes.txt").write_text("not wanted\n")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "h.py").write_text("secret = 1\n")
    (root / "pkg" / "ignored.py").write_text("ignored = 1\n")
    (root / ".gitignore").write_text("ignored.py\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def test_dump_writes_blocks_for_matching_text_files_only(tmp_path):
    _tree(tmp_path)
    result = runner.invoke(app, ["dump-src", str(tmp_path), "--extensions", ".py .yaml"])
    assert result.exit_code == 0, result.output
    assert f"<file: {tmp_path / 'pkg' / 'a.py'}>\nprint('a')\n</file>\n" in result.output
    assert f"<file: {tmp_path / 'pkg' / 'b.yaml'}>\nk: v\n</file>\n" in result.output
    assert result.output.count("<file:") == 2  # no binary, hidden, ignored or .txt file


def test_dump_to_an_output_file(tmp_path):
    _tree(tmp_path)
    out = tmp_path / "dump.txt"
    result = runner.invoke(app, ["dump-src", str(tmp_path / "pkg" / "a.py"), "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_text().startswith("<file: ")


def test_missing_path_is_a_user_error(tmp_path):
    result = runner.invoke(app, ["dump-src", str(tmp_path / "nope")])
    assert result.exit_code != 0
    assert "no such file or directory" in str(result.exception)


def test_a_symlink_loop_is_named_as_one(metta_inprocess, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    code, _, err = metta_inprocess("dump-src", "loop")
    assert code == 2 and "loop: a symlink loop" in err
