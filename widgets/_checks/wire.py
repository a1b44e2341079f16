"""A probe's data as text, and back: what crosses from a hand-in's sandbox to the grader.

At grading, a check's ``probe`` runs in the hand-in's kernel (where the learner's code may
run) and its ``judge`` in the grader, which never runs that code. Between the two there is only
this text: JSON with a tag on every value that JSON does not have (tensors, NumPy arrays and
numbers, tuples, ``Opaque``, ``Message``, ``Early``). ``loads`` is written for hostile text:

- it builds values of those types only, never calls anything the text names, never unpickles;
- a tensor or array is raw bytes of one of the listed dtypes, its length checked against its
  shape; sizes, nesting and the number of values are capped;
- a ``Message`` must be one the course defines (the same Japanese and English text as a
  module-level message of ``widgets``): a hand-in cannot put its own format string, such as
  ``{x.__class__.__init__.__globals__}``, into the grader's ``str.format``.

Anything else raises ``WireError``: the grader reports the hand-in's data as unreadable.
Only the standard library, NumPy and torch.
"""

from __future__ import annotations

import base64
import importlib
import json
import math
import pkgutil
from collections.abc import Iterator
from functools import cache

import numpy as np
import torch

from .._i18n import Message
from .learner import Opaque
from .verdict import Early, Ending

MAX_TEXT = 64 << 20  # characters of one probe's text
MAX_VALUES = 2_000_000  # values in one probe's data, containers included (a tolist() answer)
MAX_DEPTH = 12
DTYPES: dict[str, torch.dtype] = {
    str(dtype).removeprefix("torch."): dtype
    for dtype in (
        torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64,
        torch.complex128, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
        torch.bool,
    )
}  # fmt: skip
NUMPY_DTYPES = {
    "float16", "float32", "float64", "complex64", "complex128", "uint8", "uint16", "uint32",
    "uint64", "int8", "int16", "int32", "int64", "bool",
}  # fmt: skip


class WireError(ValueError):
    """The text is not a probe's data as ``dumps`` writes it."""


def _bytes(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _float(value: float) -> object:
    return value if math.isfinite(value) else {"$": "float", "v": repr(value)}


def encode(value: object, depth: int = 0) -> object:
    """``value`` as JSON-able data with tags; raises ``WireError`` for anything else."""
    if depth > MAX_DEPTH:
        raise WireError("nested too deep")
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return _float(value)
    if isinstance(value, torch.Tensor):
        t = value.detach().to("cpu").contiguous()
        name = str(t.dtype).removeprefix("torch.")
        if name not in DTYPES:
            raise WireError(f"tensor dtype {name}")
        raw = t.view(torch.int16) if t.dtype == torch.bfloat16 else t
        data = raw.numpy().tobytes() if t.numel() else b""
        return {"$": "tensor", "dtype": name, "shape": list(t.shape), "data": _bytes(data)}
    if isinstance(value, np.ndarray | np.generic):
        array = np.asarray(value)  # tobytes() writes C order whatever the strides
        if array.dtype.name not in NUMPY_DTYPES:
            raise WireError(f"array dtype {array.dtype.name}")
        kind = "ndarray" if isinstance(value, np.ndarray) else "npnum"
        shape = list(array.shape)
        return {
            "$": kind,
            "dtype": array.dtype.name,
            "shape": shape,
            "data": _bytes(array.tobytes()),
        }
    if isinstance(value, tuple | list):
        items = [encode(item, depth + 1) for item in value]
        return items if isinstance(value, list) else {"$": "tuple", "items": items}
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise WireError("a dict key that is not a str")
        return {"$": "dict", "items": {k: encode(v, depth + 1) for k, v in value.items()}}
    if isinstance(value, Opaque):
        return {"$": "opaque", "type": str(value.type), "text": str(value.text)}
    if isinstance(value, Message):
        return {"$": "message", "ja": value.ja, "en": value.en}
    if isinstance(value, Early):
        return {
            "$": "early",
            "ending": value.ending.value,
            "name": value.name,
            "error": value.error,
            "line": value.line,
            "message": None if value.message is None else encode(value.message, depth + 1),
            "fmt": encode(value.fmt, depth + 1),
        }
    for plain in (bool, int, float, str):  # a subclass (an IntEnum, torch.__version__): its value
        if isinstance(value, plain):
            return encode(plain(value), depth)
    raise WireError(f"not plain data: {type(value).__name__}")


def dumps(value: object) -> str:
    """The text of ``value`` (a probe's data or its ``Early``)."""
    return json.dumps(encode(value), ensure_ascii=False, allow_nan=False)


def _walk(obj: object, depth: int = 0) -> Iterator[Message]:
    if isinstance(obj, Message):
        yield obj
    elif depth < 3 and isinstance(obj, dict):
        for item in obj.values():
            yield from _walk(item, depth + 1)
    elif depth < 3 and isinstance(obj, list | tuple):
        for item in obj:
            yield from _walk(item, depth + 1)
    elif depth < 3 and hasattr(obj, "__dataclass_fields__") and not isinstance(obj, type):
        for name in obj.__dataclass_fields__:  # a Crash's hint, a Probe's…
            yield from _walk(getattr(obj, name, None), depth + 1)


@cache
def course_messages() -> frozenset[tuple[str, str]]:
    """``(ja, en)`` of every message defined at module level in ``widgets``."""
    import widgets

    found: set[tuple[str, str]] = set()
    for info in pkgutil.walk_packages(widgets.__path__, "widgets."):
        try:
            module = importlib.import_module(info.name)
        except Exception:  # an optional part (ipywidgets 7, the lab extension): not messages
            continue
        for value in list(vars(module).values()):
            found.update((m.ja, m.en) for m in _walk(value))
    return frozenset(found)


class _Reader:
    def __init__(self) -> None:
        self.values = 0

    def str(self, value: object) -> str:
        if not isinstance(value, str):
            raise WireError(f"expected text, got {type(value).__name__}")
        return value

    def raw(self, item: dict, itemsize: int, shape: list) -> tuple[bytes, tuple[int, ...]]:
        if not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape):
            raise WireError("a shape that is not a list of sizes")
        if len(shape) > 16:
            raise WireError("too many dimensions")
        try:
            raw = base64.b64decode(self.str(item.get("data")), validate=True)
        except (ValueError, TypeError) as error:
            raise WireError("data that is not base64") from error
        if len(raw) != math.prod(shape) * itemsize:
            raise WireError("data whose length does not fit its shape")
        return raw, tuple(shape)

    def value(self, obj: object, depth: int = 0) -> object:
        self.values += 1
        if self.values > MAX_VALUES or depth > MAX_DEPTH:
            raise WireError("too many values, or nested too deep")
        if obj is None or type(obj) in (bool, int, float, str):
            return obj
        if type(obj) is list:
            return [self.value(item, depth + 1) for item in obj]
        if type(obj) is not dict:
            raise WireError(f"unexpected {type(obj).__name__}")
        tag = obj.get("$")
        if tag == "float":
            text = self.str(obj.get("v"))
            if text not in ("nan", "inf", "-inf"):
                raise WireError("a float that is not nan or ±inf")
            return float(text)
        if tag == "tuple":
            items = obj.get("items")
            if type(items) is not list:
                raise WireError("a tuple without items")
            return tuple(self.value(item, depth + 1) for item in items)
        if tag == "dict":
            items = obj.get("items")
            if type(items) is not dict:
                raise WireError("a dict without items")
            return {self.str(k): self.value(v, depth + 1) for k, v in items.items()}
        if tag == "tensor":
            dtype = DTYPES.get(self.str(obj.get("dtype")))
            if dtype is None:
                raise WireError("a tensor dtype the grader does not read")
            size = torch.empty((), dtype=dtype).element_size()
            raw, shape = self.raw(obj, size, obj.get("shape"))  # type: ignore[arg-type]
            stored = torch.int16 if dtype == torch.bfloat16 else dtype
            flat = (
                torch.frombuffer(bytearray(raw), dtype=stored)
                if raw
                else torch.empty(0, dtype=stored)
            )
            tensor = flat.reshape(shape).clone()
            return tensor.view(torch.bfloat16) if dtype == torch.bfloat16 else tensor
        if tag in ("ndarray", "npnum"):
            name = self.str(obj.get("dtype"))
            if name not in NUMPY_DTYPES:
                raise WireError("an array dtype the grader does not read")
            np_dtype = np.dtype(name)
            raw, shape = self.raw(obj, np_dtype.itemsize, obj.get("shape"))  # type: ignore[arg-type]
            array = np.frombuffer(raw, dtype=np_dtype).reshape(shape).copy()
            if tag == "npnum":
                if shape:
                    raise WireError("a NumPy number with a shape")
                return array[()]
            return array
        if tag == "opaque":
            return Opaque(self.str(obj.get("type"))[:200], self.str(obj.get("text"))[:200])
        if tag == "message":
            ja, en = self.str(obj.get("ja")), self.str(obj.get("en"))
            if (ja, en) not in course_messages():
                raise WireError("a message the course does not define")
            return Message(ja=ja, en=en)
        if tag == "early":
            try:
                ending = Ending(self.str(obj.get("ending")))
            except ValueError as error:
                raise WireError("an early ending the course does not know") from error
            message = obj.get("message")
            read = None if message is None else self.value(message, depth + 1)
            if read is not None and not isinstance(read, Message):
                raise WireError("an early ending whose message is not a message")
            fmt = self.value(obj.get("fmt"), depth + 1)
            if not isinstance(fmt, dict):
                raise WireError("an early ending whose blanks are not a dict")
            name, said, line = (self.str(obj.get(key))[:2000] for key in ("name", "error", "line"))
            return Early(ending, name=name, error=said, line=line, message=read, fmt=fmt)
        raise WireError(f"unknown tag {tag!r}")


def loads(text: str) -> object:
    """The data ``dumps`` wrote; ``WireError`` for any text it would not have written."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise WireError("not text, or too long")
    try:
        obj = json.loads(text, parse_constant=_refuse)
    except (ValueError, RecursionError) as error:
        raise WireError(f"not JSON: {error}") from error
    return _Reader().value(obj)


def _refuse(name: str) -> object:
    raise WireError(f"bare {name} (dumps writes it tagged)")
