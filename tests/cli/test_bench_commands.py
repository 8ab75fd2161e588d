"""`metta bench replay|maps`: every benchmark is a command printing name=value lines."""

from __future__ import annotations


def _figures(out: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def test_bench_replay_reports_the_size_and_speed_of_a_short_replay(metta_inprocess):
    code, out, err = metta_inprocess("bench", "replay", "--env", "navigation", "--steps", "20")
    assert code == 0, err
    figures = _figures(out)
    # 20 steps and the initial state; bytes per frame is the compressed size over the frames.
    assert figures["env"] == "navigation" and figures["frames"] == "21"
    assert abs(float(figures["bytes_per_frame"]) * 21 - int(figures["replay_bytes"])) <= 21
    assert int(figures["replay_json_bytes"]) > int(figures["replay_bytes"]) > 0  # zlib compresses it


def test_bench_maps_refuses_an_unknown_builder_naming_it(metta_inprocess):
    code, _, err = metta_inprocess("bench", "maps", "--builder", "nope")
    assert code == 2 and "--builder nope: unknown" in err
