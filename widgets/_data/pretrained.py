"""``load_pretrained``: a torchvision model with its pretrained weights, offline-safe.

``load_pretrained(resnet18, ResNet18_Weights.DEFAULT)`` is ``resnet18(weights=...)``: torchvision
downloads the weights file once into torch's hub cache and reuses it afterwards. When the
download is impossible (offline, as in CI), the learner is told so in their language and gets
the same architecture with random weights (``weights=None``), so the cells that freeze layers
and replace the head still run. Chapter 09's offline transfer uses a network it pretrains itself.
"""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

from .._i18n import CourseTypeError, Message
from .._validate import WRONG_TYPE, type_name
from .mnist import DOWNLOAD_ERRORS, fail_fast, reason_of

NO_WEIGHTS = Message(
    ja="{name} の学習済みの重み（{weights}）をダウンロードできませんでした（{reason}）。\n"
    "代わりに weights=None（乱数の重み）で同じ形のモデルを作って続けます。層の固定や出力層の付け替えは同じように試せますが、"
    "このモデルはまだ何も学習していません。オフラインでも、自分で事前学習したネットワークを使えば本物の転移学習ができます（第9章の後半）。",
    en="Could not download the pretrained weights {weights} of {name} ({reason}).\n"
    "Continuing with the same architecture and random weights (weights=None): freezing layers and "
    "replacing the head work the same, but this model has learned nothing. Offline, real transfer "
    "learning works with a network you pretrain yourself (second half of chapter 9).",
)
LOADED = Message(
    ja="{name} を学習済みの重み {weights} で読み込みました。",
    en="Loaded {name} with the pretrained weights {weights}.",
)
BUILDER = Message(
    ja="torchvision.models のモデルを作る関数（resnet18 など）",
    en="a torchvision.models builder such as resnet18",
)


def load_pretrained(builder: Callable[..., nn.Module], weights: object, *, timeout: float = 10.0):
    """``builder(weights=weights)``; offline, a clear message and ``builder(weights=None)``.

    Args:
        builder: a torchvision model builder, e.g. ``torchvision.models.resnet18``.
        weights: its weights enum value, e.g. ``ResNet18_Weights.DEFAULT``.
        timeout: seconds a silent network may stall before the download counts as failed.
    """
    if not callable(builder):
        raise CourseTypeError(WRONG_TYPE, name="builder", expected=BUILDER, got=type_name(builder))
    name = getattr(builder, "__name__", type_name(builder))
    try:
        with fail_fast(timeout):  # torch.hub prints its progress: keep only our own message
            model = builder(weights=weights)
    except DOWNLOAD_ERRORS as error:
        print(NO_WEIGHTS(name=name, weights=weights, reason=reason_of(error)))
        return builder(weights=None)
    print(LOADED(name=name, weights=weights))
    return model
