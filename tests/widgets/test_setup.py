"""``setup`` and the bilingual message layer."""

from __future__ import annotations

import importlib
import pkgutil
import random
import re

import matplotlib as mpl
import numpy as np
import pytest
import torch

import widgets
from widgets import CourseTypeError, CourseValueError, get_lang, setup
from widgets._i18n import Message, normalize_lang, placeholders


def test_returns_the_device_to_use():
    device = setup("en", quiet=True)
    assert isinstance(device, torch.device)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    if not torch.cuda.is_available() and torch.backends.mps.is_available():
        expected = "mps"
    assert device.type == expected


@pytest.mark.parametrize(
    "lang,code",
    [("ja", "ja"), ("en", "en"), ("EN", "en"), ("ja_JP", "ja"), ("en-US", "en"), (" ja ", "ja")],
)
def test_language_is_normalized(lang, code):
    setup(lang, quiet=True)
    assert get_lang() == code


def test_seeds_python_numpy_and_torch():
    setup("en", seed=123, quiet=True)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    setup("en", seed=123, quiet=True)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first
    setup("en", seed=124, quiet=True)
    assert torch.rand(1).item() != first[2]


def test_seed_none_leaves_generators_alone():
    torch.manual_seed(5)
    expected = torch.rand(1).item()
    torch.manual_seed(5)
    setup("en", seed=None, quiet=True)
    assert torch.rand(1).item() == expected


def test_prints_a_summary_in_the_chosen_language(capsys):
    setup("ja", seed=7)
    out = capsys.readouterr().out
    assert "準備完了" in out and "7" in out
    setup("en", seed=None)
    out = capsys.readouterr().out
    assert out.startswith("Ready") and "none" in out


def test_japanese_labels_render_without_missing_glyphs():
    setup("ja", quiet=True)
    from matplotlib import font_manager

    family = mpl.rcParams["font.family"][0]
    font = font_manager.findfont(family, fallback_to_default=False)
    from matplotlib.ft2font import FT2Font

    face = FT2Font(font)
    charmap = face.get_charmap()
    for char in "損失の推移学習率":
        assert ord(char) in charmap, f"{font} lacks {char}"


@pytest.mark.parametrize("lang", ["fr", "", None, 3, "japanese"])
def test_unknown_language_lists_the_supported_ones(lang):
    with pytest.raises(CourseValueError) as info:
        setup(lang, quiet=True)
    text = str(info.value)
    assert '"ja"' in text and '"en"' in text
    assert "対応していません" in text and "not supported" in text  # before setup: both languages


@pytest.mark.parametrize(
    "seed,error",
    [
        (-1, CourseValueError),
        (2**32, CourseValueError),
        (1.5, CourseTypeError),
        ("0", CourseTypeError),
        (True, CourseTypeError),
    ],
)
def test_bad_seeds(seed, error):
    with pytest.raises(error, match="seed"):
        setup("en", seed=seed, quiet=True)


def test_errors_follow_the_language():
    setup("ja", quiet=True)
    with pytest.raises(CourseTypeError, match="整数"):
        setup("ja", seed="x", quiet=True)
    with pytest.raises(CourseTypeError, match="integer"):
        setup("en", seed="x", quiet=True)


def test_ipython_shows_the_message_without_a_traceback():
    error = CourseValueError(Message(ja="だめです {x}", en="bad {x}"), x=1)
    lines = error._render_traceback_()
    assert len(lines) == 1 and "CourseValueError" in lines[0] and str(error) in lines[0]


def test_normalize_rejects_non_strings():
    with pytest.raises(CourseValueError):
        normalize_lang(["ja"])


def test_message_requires_the_same_placeholders():
    with pytest.raises(ValueError):
        Message(ja="{a} です", en="{b}")
    assert Message(ja="{a} です", en="{a}")("en", a=1) == "1"


def all_messages():
    for info in pkgutil.iter_modules(widgets.__path__):
        module = importlib.import_module(f"widgets.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, Message):
                yield f"{info.name}.{name}", value


def test_every_helper_message_exists_in_both_languages():
    found = dict(all_messages())
    assert len(found) >= 10
    for name, message in found.items():
        assert message.ja.strip() and message.en.strip(), name
        words = re.sub(r"\{[^}]*\}", "", message.ja)  # a formula may read the same in both
        assert message.ja != message.en or not any(c.isalpha() for c in words), name
        assert placeholders(message.ja) == placeholders(message.en), name


def test_public_api_is_explicit():
    assert sorted(widgets.__all__) == widgets.__all__
    for name in widgets.__all__:
        assert hasattr(widgets, name), name


def test_helpers_draw_japanese_even_after_rcparams_were_reset():
    """No setup(), rcParams reset by the learner: figures still find Japanese glyphs."""
    import warnings

    from widgets import live_loss
    from widgets._playground.settings import make_config
    from widgets._playground.train import Run
    from widgets._playground.view import draw

    widgets._i18n.set_lang("ja")
    mpl.rcdefaults()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")
        plot = live_loss("損失の推移", output="none")
        plot.update(0, train=1.0, acc=0.5)
        assert plot.to_png().startswith(b"\x89PNG")
        mpl.rcdefaults()
        run = Run(make_config(task="xor"))
        run.train(5)
        assert draw(run, "学習中").startswith(b"\x89PNG")


def test_importing_setup_leaves_the_heavy_helpers_unloaded():
    """A chapter's first cell should not pay for torchvision, ipywidgets or the playground."""
    import subprocess
    import sys

    code = (
        "import sys; from widgets import setup; "
        "print(sorted(m for m in ('torchvision', 'ipywidgets', 'widgets._playground.widget') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="no_such_helper"):
        _ = widgets.no_such_helper
    assert "setup" in dir(widgets) and "playground" in dir(widgets)


def test_setup_leaves_matplotlib_to_the_first_plot_and_configures_it_then():
    """Issue 29: importing matplotlib was most of setup()'s own time. In a fresh interpreter
    setup() does not import it; the first ``import matplotlib.pyplot`` gets the course's
    defaults (the Japanese font among them), once, however often setup() ran before."""
    import json
    import subprocess
    import sys

    from tests.support import ROOT

    code = """
import json, sys
from widgets import setup
setup("ja", quiet=True)
setup("en", quiet=True)
before = "matplotlib" in sys.modules
import matplotlib.pyplot as plt
import matplotlib as mpl
hooks = [f for f in sys.meta_path if type(f).__name__ == "_AfterImport"]
print(json.dumps({"before": before, "family": list(mpl.rcParams["font.family"]),
    "size": list(mpl.rcParams["figure.figsize"]), "grid": mpl.rcParams["axes.grid"],
    "hooks": len(hooks)}))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["before"] is False
    assert "IPAexGothic" in out["family"]
    assert out["size"] == [6.4, 4.0] and out["grid"] is True
    assert out["hooks"] == 0
