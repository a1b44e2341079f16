"""Chapter 06 checks' internals (the answers and their verdicts are in tests/corpus/ch06.py)."""

from __future__ import annotations

import torch
from torch import nn

from tests.corpus.ch06 import MynetStages, mynet, relu_before_batchnorm
from widgets import check_mynet, check_probabilities
from widgets._checks.ch06 import (
    MYNET_ORDER_WANT,
    layer_kinds,
    probe_mynet,
    reference_mynet,
    relu_before_bn,
    set_by_shape,
)


class MynetHeadFirst(MynetStages):
    """Mynet whose head is registered before its features: parameters() in another order."""

    def __init__(self):
        super().__init__()
        features = self.features
        del self.features
        self.features = features  # registered again, after the head


def test_values_set_by_shape_do_not_depend_on_the_order_layers_were_registered_in():
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(3))
    reordered = MynetHeadFirst()
    assert next(n for n, _ in reordered.named_parameters()).startswith("head")
    with torch.no_grad():
        want = set_by_shape(reference_mynet()).eval()(x)
        got = set_by_shape(reordered).eval()(x)
    assert torch.equal(got, want)


def test_the_layers_a_forward_pass_runs_are_read_in_order_whatever_their_spelling():
    assert probe_mynet(reference_mynet())["order"] == MYNET_ORDER_WANT
    names = ["conv2d", "dim", "batch_norm", "relu_", "max_pool2d", "flatten", "matmul", "softmax"]
    assert layer_kinds(names) == ["Conv2d", "BatchNorm", "ReLU", "MaxPool", "Linear", "softmax"]


def test_relu_before_batchnorm_is_recognised_as_that_swap_only():
    assert probe_mynet(relu_before_batchnorm())["order"] == relu_before_bn(MYNET_ORDER_WANT)
    assert relu_before_bn(MYNET_ORDER_WANT) != MYNET_ORDER_WANT


def test_the_check_leaves_the_learners_network_as_it_was():
    model = mynet().train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    assert check_mynet(model)
    assert model.training
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_a_lazy_layer_is_seen_before_the_check_runs_the_network():
    lazy = mynet(replace={29: nn.LazyLinear(512)})
    probe = probe_mynet(lazy)
    assert probe["lazy"] and isinstance(lazy[29], nn.LazyLinear)  # the learner's copy untouched


def test_probabilities_of_another_model_or_other_images_say_so():
    from tests.corpus.ch06 import IMAGES, small_model

    other = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 10)).eval()
    verdict = check_probabilities(other, IMAGES, torch.softmax(other(IMAGES), dim=1))
    assert not verdict and "Run the cell that builds model again" in verdict.hint, verdict
    model = small_model().eval()
    flat = IMAGES.reshape(8, 28 * 28)
    verdict = check_probabilities(model, flat, torch.full((8, 10), 0.1))
    assert not verdict and "(8, 784)" in verdict.hint, verdict
