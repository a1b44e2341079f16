"""The probe's wire (widgets/_checks/wire.py): plain data round-trips, hostile text is refused."""

from __future__ import annotations

import base64
import json
import math
import pickle

import numpy as np
import pytest
import torch

from widgets._checks import wire
from widgets._checks.ch01 import MATRIX_WRONG
from widgets._checks.learner import Opaque
from widgets._checks.verdict import CRASHED_AT, Early, Ending, settle
from widgets._i18n import Message


def same(a, b) -> bool:
    if isinstance(a, torch.Tensor):
        return (
            type(b) is torch.Tensor
            and a.dtype == b.dtype
            and a.shape == b.shape
            and bool(
                torch.equal(a, b)
                or (a.is_floating_point() and torch.allclose(a, b, equal_nan=True))
            )
        )
    if isinstance(a, np.ndarray):
        return (
            type(b) is np.ndarray
            and a.dtype == b.dtype
            and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
        )
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if isinstance(a, tuple | list):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize(
    "value",
    [
        None, True, 3, -2.5, "テンソル", float("nan"), float("-inf"),
        torch.arange(6.0).reshape(2, 3), torch.tensor([1, 2], dtype=torch.int64),
        torch.tensor([[True, False]]), torch.tensor([1.5, -2.0], dtype=torch.bfloat16),
        torch.zeros(0, 3), torch.tensor(float("nan")), torch.randn(3, requires_grad=True) * 1,
        np.arange(4, dtype=np.int32), np.float32(0.25), np.array([[np.inf]]),
        (1, [2, (3.0, "x")]), {"loss": [1.0, 0.5], "ok": False},
        Opaque("MyTensor", "MyTensor(...)"),
    ],
)  # fmt: skip
def test_plain_data_comes_back_as_it_went(value):
    back = wire.loads(wire.dumps(value))
    if isinstance(value, torch.Tensor):
        value = value.detach()
    assert same(value, back), (value, back)
    if isinstance(back, torch.Tensor):
        assert not back.requires_grad


def test_an_early_ending_comes_back_and_settles_to_the_same_verdict():
    early = Early(Ending.CRASH, error="ValueError: bad", line="y = x @ w")
    assert settle(wire.loads(wire.dumps(early))) == settle(early)
    hint = Early(Ending.MISTAKE, message=MATRIX_WRONG, fmt={"shape": (2, 3)})
    back = wire.loads(wire.dumps(hint))
    assert back == hint and settle(back).hint == settle(hint).hint
    assert (CRASHED_AT.ja, CRASHED_AT.en) in wire.course_messages()


@pytest.mark.parametrize(
    "value", [object(), lambda: 1, np.array([object()]), {1: "x"}, torch.nn.Linear(2, 2)]
)
def test_what_is_not_plain_data_does_not_leave(value):
    with pytest.raises(wire.WireError):
        wire.dumps(value)


def tensor_text(dtype="float32", shape=(2,), raw=b"\0" * 8):
    return json.dumps({"$": "tensor", "dtype": dtype, "shape": list(shape),
                       "data": base64.b64encode(raw).decode()})  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        # a format string of the hand-in's own, which the grader would .format() with its data
        json.dumps({"$": "early", "ending": "mistake", "name": "", "error": "", "line": "",
                    "message": {"$": "message", "ja": "{x.__class__}", "en": "{x.__class__}"},
                    "fmt": {"$": "dict", "items": {}}}),
        json.dumps({"$": "message", "ja": "合格", "en": "Passed"}),
        json.dumps({"$": "early", "ending": "passed", "name": "", "error": "", "line": "",
                    "message": None, "fmt": {"$": "dict", "items": {}}}),
        json.dumps({"$": "pickle", "data": base64.b64encode(pickle.dumps(print)).decode()}),
        tensor_text(raw=b"\0" * 7),  # shorter than its shape
        tensor_text(dtype="object"),
        tensor_text(shape=(-1,)),
        tensor_text(shape=(2,), raw=b"x"),
        json.dumps({"$": "ndarray", "dtype": "O", "shape": [1], "data": ""}),
        json.dumps({"$": "npnum", "dtype": "float64", "shape": [2], "data": base64.b64encode(b"\0" * 16).decode()}),
        '{"$": "float", "v": "1e308"}',
        "NaN",
        "[" * 5000 + "]" * 5000,
        json.dumps([[[[[[[[[[[[[[1]]]]]]]]]]]]]]),
        '{"a": 1}',  # an untagged dict
        "not json",
        "",
    ],
)  # fmt: skip
def test_hostile_text_is_refused(text):
    with pytest.raises(wire.WireError):
        wire.loads(text)


def test_too_much_data_is_refused_before_it_is_built():
    with pytest.raises(wire.WireError):
        wire.loads(json.dumps(list(range(wire.MAX_VALUES + 1))))
    with pytest.raises(wire.WireError):
        wire.loads(" " * (wire.MAX_TEXT + 1))


def test_only_the_course_messages_are_known():
    known = wire.course_messages()
    assert len(known) > 300  # every chapter's hints
    assert (MATRIX_WRONG.ja, MATRIX_WRONG.en) in known
    assert ("{x}", "{x}") not in known
    made_here = Message(ja="独自の {x}", en="own {x}")
    with pytest.raises(wire.WireError):
        wire.loads(wire.dumps(made_here))
