"""The four parameter files: the blog's format, exact round trips, every validation error."""

import numpy as np
import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from mnistnn import network as nw
from mnistnn import params
from mnistnn.errors import ParamsError
from mnistnn.network import Hyperparameters, Network


def blogs_reader(path):
    """The published blog code's reader: split on one space, float() each token."""
    with open(path) as handle:
        return np.array([[float(v) for v in line.strip().split(" ")] for line in handle])


@pytest.fixture
def net():
    rng = np.random.default_rng(0)
    base = nw.initial_network(7, init_seed=5)
    return Network(base.W1, base.W2, rng.normal(size=7), rng.normal(size=10) * 1e-12)


def test_export_is_the_blogs_format_and_round_trips_bit_exactly(tmp_path, net):
    params.write_params(tmp_path, net)
    back = params.read_params(tmp_path)
    for name, original, read in zip(params.PARAM_FILES, net, back, strict=True):
        assert np.array_equal(original, read), name
        assert np.array_equal(np.atleast_2d(original), blogs_reader(tmp_path / name)), name
        text = (tmp_path / name).read_text()
        assert "\t" not in text and "  " not in text and " \n" not in text
    assert (tmp_path / "value1.txt").read_text().count("\n") == 1
    assert (tmp_path / "weight1.txt").read_text().count("\n") == 784


def test_format_matrix_writes_shortest_round_trip_values():
    assert params.format_matrix(np.array([[0.1, -2.0], [1e-300, 3.0]])) == "0.1 -2.0\n1e-300 3.0\n"


def test_export_is_byte_identical_across_runs(tmp_path, net):
    """The same network gives the same bytes; a network rounded to float32 other bytes."""
    rounded = net.astype(np.float32).astype(np.float64)
    for folder, written in [("a", net), ("a2", net), ("b", rounded), ("c", rounded)]:
        params.write_params(tmp_path / folder, written)
    for name in params.PARAM_FILES:
        read = {folder: (tmp_path / folder / name).read_bytes() for folder in ("a", "a2", "b", "c")}
        assert read["a"] == read["a2"] and read["b"] == read["c"], name
        assert read["a"] != read["b"], name


def write_files(folder, **texts):
    folder.mkdir(exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text)
    return folder


def valid_texts(hidden=3):
    return {
        "weight1": "".join(" ".join(["0.5"] * hidden) + "\n" for _ in range(784)),
        "weight2": "".join(" ".join(["0.25"] * 10) + "\n" for _ in range(hidden)),
        "value1": " ".join(["0.1"] * hidden) + "\n",
        "value2": " ".join(["0.2"] * 10) + "\n",
    }


def test_lenient_whitespace_is_accepted_on_import(tmp_path):
    texts = valid_texts()
    texts["value1"] = "0.1\t0.1   0.1 \n\n"
    texts["weight2"] = "0.25 " * 10 + "\n \t\n" + ("0.5 " * 10 + "\n") * 2  # a blank line inside
    net = params.read_params(write_files(tmp_path, **texts))
    assert net.v1.tolist() == [0.1, 0.1, 0.1]
    assert net.W2[:, 0].tolist() == [0.25, 0.5, 0.5]


#: The end of every shape refusal: which file set H.
SHAPES = " (784 x H, H x 10, 1 x H, 1 x 10 with H = 3 from {folder}/weight1.txt)"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "value2",
            "0.2 " * 9 + "abc\n",
            "value2.txt, line 1: not a number: could not convert string to float: 'abc'",
        ),
        ("value2", "0.2 " * 9 + "nan\n", "value2.txt, line 1: value 'nan' is not finite"),
        ("value2", "0.2 " * 9 + "inf\n", "value2.txt, line 1: value 'inf' is not finite"),
        (
            "weight2",
            "0.1 " * 10 + "\n" + "0.1 " * 9 + "\n",
            "weight2.txt, line 2: 9 values, but line 1 has 10",
        ),
        ("value1", "", "value1.txt: file holds no numbers"),
        ("value1", "  \n\t\n", "value1.txt: file holds no numbers"),
        ("value2", "0.2 " * 11 + "\n", "value2.txt: shape 1 x 11, expected 1 x 10" + SHAPES),
        ("weight2", "0.1 " * 10 + "\n", "weight2.txt: shape 1 x 10, expected 3 x 10" + SHAPES),
        ("value1", "0.1 0.1\n0.1 0.1\n", "value1.txt: shape 2 x 2, expected 1 x 3" + SHAPES),
        # a no-break space splits tokens but is no blank
        ("value1", "0.1 0.1 0.1\n\xa0\n", "value1.txt, line 2: unexpected characters '\\xa0'"),
    ],
)
def test_bad_parameter_files_are_refused_naming_file_and_problem(tmp_path, name, text, message):
    texts = valid_texts()
    texts[name] = text
    with pytest.raises(ParamsError) as error:
        params.read_params(write_files(tmp_path, **texts))
    assert str(error.value) == f"{tmp_path}/{message}".replace("{folder}", str(tmp_path))


def test_text_without_a_name_is_called_text_in_messages():
    with pytest.raises(ParamsError, match="^<text>, line 1: not a number"):
        params.parse_matrix("abc")


def test_weight1_must_have_784_rows(tmp_path):
    texts = valid_texts()
    texts["weight1"] = "0.5 0.5 0.5\n" * 783
    with pytest.raises(ParamsError, match=r"weight1.txt: shape 783 x 3, expected 784 x 3"):
        params.read_params(write_files(tmp_path, **texts))


def test_missing_file_and_binary_file_are_refused(tmp_path):
    texts = valid_texts()
    folder = write_files(tmp_path, **texts)
    (folder / "value2.txt").write_bytes(b"0.5 \xff\xfe\x00")
    with pytest.raises(ParamsError) as error:
        params.read_params(folder)
    assert str(error.value) == f"{folder / 'value2.txt'}: not UTF-8 text (byte 4)"
    (folder / "value2.txt").unlink()
    with pytest.raises(ParamsError) as error:
        params.read_params(folder)
    assert str(error.value) == f"{folder / 'value2.txt'}: cannot read: No such file or directory"


def test_huge_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    folder = write_files(tmp_path, **valid_texts())
    weight1 = folder / "weight1.txt"
    monkeypatch.setattr(params, "MAX_FILE_BYTES", weight1.stat().st_size)
    params.read_params(folder)  # a file of exactly the limit is read
    monkeypatch.setattr(params, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ParamsError) as error:
        params.read_params(folder)
    assert str(error.value) == (
        f"{weight1}: {weight1.stat().st_size} bytes is larger than any plausible network "
        "(limit 1000 bytes); refusing to read it"
    )


def test_the_size_limit_is_the_one_config_readme_states():
    assert params.MAX_FILE_BYTES % 1024**2 == 0
    stated = f"at most {params.MAX_FILE_BYTES // 1024**2} MiB"
    assert stated in " ".join((REPO / "config" / "README.md").read_text().split())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_parses_to_finite_rows_or_raises_params_error(text):
    try:
        matrix = params.parse_matrix(text, "fuzz.txt")
    except ParamsError as error:
        assert str(error).startswith("fuzz.txt")
    else:
        assert matrix.ndim == 2 and matrix.size > 0 and np.all(np.isfinite(matrix))


def test_model_and_snapshots_round_trip_without_pickle(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (30, 784), dtype=np.uint8)
    labels = (np.arange(30) % 10).astype(np.uint8)
    hyper = Hyperparameters(hidden_nodes=4, epochs=2, snapshots=(10,))
    result = nw.train(images, labels, images, labels, hyper, progress=lambda line: None)
    params.save_model(tmp_path / "model.npz", result, hyper)
    params.save_snapshots(tmp_path / "snapshots.npz", result.snapshots)
    loaded = params.load_network(tmp_path / "model.npz")
    assert all(np.array_equal(a, b) for a, b in zip(loaded, result.net, strict=True))
    with np.load(tmp_path / "model.npz", allow_pickle=False) as archive:
        assert archive["hyper_hidden_nodes"] == 4
        assert archive["history_test_accuracy"].shape == (2,)
    snapshots = params.load_snapshots(tmp_path / "snapshots.npz")
    assert [(s.label, s.samples_seen) for s in snapshots] == [
        ("initial", 0), ("sample10", 10), ("epoch1", 30), ("epoch2", 60),
    ]  # fmt: skip
    assert np.array_equal(snapshots[1].net.W2, result.snapshots[1].net.W2)


def test_only_four_parameter_files_are_taken():
    with pytest.raises(ValueError, match=r"^expected the four parameter files \('weight1.txt'"):
        params.read_param_files(["weight1.txt", "weight2.txt"])


def test_a_one_epoch_model_keeps_its_history(tmp_path):
    images = np.random.default_rng(1).integers(0, 256, (20, 784), dtype=np.uint8)
    labels = (np.arange(20) % 10).astype(np.uint8)
    hyper = Hyperparameters(hidden_nodes=3, epochs=1)
    result = nw.train(images, labels, images, labels, hyper, progress=lambda line: None)
    params.save_model(tmp_path / "model.npz", result, hyper)
    with np.load(tmp_path / "model.npz", allow_pickle=False) as archive:
        assert archive["history_mean_loss"].tolist() == [result.history[0]["mean_loss"]]


def test_a_model_or_snapshot_file_holding_a_pickle_is_refused(tmp_path):
    """An object array is a pickle: loading it could run code."""
    fields = {name: np.zeros(2) for name in Network._fields}
    fields["W1"] = np.array([{"code": "anything"}], dtype=object)
    np.savez(tmp_path / "model.npz", **fields, label=np.array(["a"]), samples_seen=np.array([0]))
    for load in (params.load_network, params.load_snapshots):
        with pytest.raises(ValueError, match="allow_pickle=False"):
            load(tmp_path / "model.npz")
