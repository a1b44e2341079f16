"""Chapter 08's homework checks: a right answer passes, typical wrong ones get their hint."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tests.corpus.ch08 import NO_GRAD as NoGradInPicture
from tests.corpus.ch08 import DrawNoArrows as NoArrows
from tests.corpus.ch08 import NoReflectedSub, Overwrites, conv2d_stub
from tests.support.reference import Tensor, conv2d_loops, conv2d_unfold, xor_training
from widgets import (
    CourseTypeError,
    CourseValueError,
    check_backward,
    check_conv2d,
    check_draw_graph,
    check_same_losses,
    check_tensor_ops,
    show_dot,
    skip_unfinished,
)


class SwappedRsub(Tensor):
    def __rsub__(self, other):
        return self - other


class WrongSubSign(Tensor):
    def __sub__(self, other):
        o = self.wrap(other)
        return self._result(self.data - o.data, (self, o), "-", [lambda g: g] * 2)


class NoTopoOrder(Tensor):
    def backward(self):
        self.grad = np.ones_like(self.data)
        stack = [self]
        while stack:  # depth first, a node's _backward once per path: too many calls
            t = stack.pop()
            t._backward()
            stack.extend(t._prev)


class NoUnbroadcast(Tensor):
    def __add__(self, other):
        other = self.wrap(other)
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad = self.grad + out.grad
            other.grad = other.grad + out.grad

        out._backward = _backward
        return out


class NoRootGrad(Tensor):
    def backward(self):
        for t in reversed(self.topo_order()):
            t._backward()


class Stub(Tensor):
    def __mul__(self, other):
        raise NotImplementedError("Task 8.1: multiply")

    def backward(self):
        raise NotImplementedError("Task 8.2: backward")


# How long the checks take is a bench figure (bench/bench_homework.py), not a test:
# timings flake on a busy machine.


def test_right_tensor_passes_every_check():
    for check in (check_tensor_ops, check_backward, check_draw_graph):
        verdict = check(Tensor)
        assert verdict, str(verdict)


@pytest.mark.parametrize(
    ("check", "answer", "hint"),
    [
        (check_tensor_ops, NoReflectedSub, "__rsub__"),
        (check_tensor_ops, SwappedRsub, "swapped"),
        (check_backward, Overwrites, "factor of 2"),
        (check_backward, WrongSubSign, "Wrong sign"),
        (check_backward, NoTopoOrder, "topological"),
        (check_backward, NoUnbroadcast, "unbroadcast"),
        (check_backward, NoRootGrad, "ones_like"),
        (check_draw_graph, NoGradInPicture, "gradient"),
        (check_draw_graph, NoArrows, "arrow"),
    ],
)
def test_typical_mistakes_get_their_hint(check, answer, hint):
    verdict = check(answer)
    assert verdict.status == "wrong", str(verdict)
    assert hint in verdict.hint, str(verdict)


@pytest.mark.parametrize("check", [check_tensor_ops, check_backward, check_draw_graph])
def test_stub_says_not_yet(check):
    verdict = check(Stub)
    assert verdict.status == "todo", str(verdict)
    assert "Task 8." in verdict.hint


@pytest.mark.parametrize("check", [check_tensor_ops, check_backward, check_draw_graph])
def test_an_instance_instead_of_the_class_is_wrong_not_a_crash(check):
    verdict = check(Tensor(1.0))
    assert verdict.status == "wrong" and "class" in verdict.hint


def ignores_dilation(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return conv2d_loops(x, weight, bias, stride, padding, dilation, groups, taps=1)


def wrong_groups(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    c_out = weight.shape[0]
    order = [o for g in range(groups) for o in range(g, c_out, groups)]  # o % groups
    shuffled = conv2d_unfold(x, weight[order], None, stride, padding, dilation, groups)
    out = shuffled[:, torch.argsort(torch.tensor(order))]
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def wrong_size(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    out = conv2d_unfold(x, weight, bias, stride, padding, dilation, groups)
    return out[..., :-1, :] if padding else out


def through_numpy(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    out = conv2d_unfold(x.detach(), weight.detach(), bias, stride, padding, dilation, groups)
    return torch.tensor(out.numpy())


def float32_output(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return conv2d_unfold(x, weight, bias, stride, padding, dilation, groups).float()


@pytest.mark.parametrize("conv2d", [conv2d_loops, conv2d_unfold])
def test_right_conv2d_passes(conv2d):
    verdict = check_conv2d(conv2d)
    assert verdict, str(verdict)


@pytest.mark.parametrize(
    ("conv2d", "hint"),
    [
        (ignores_dilation, "Dilation is ignored"),
        (wrong_groups, "each group's output channels"),
        (wrong_size, "(H + 2p − d(k−1) − 1)//s + 1"),
        (through_numpy, "cut the graph"),
        (float32_output, "new_zeros"),
    ],
)
def test_typical_conv2d_mistakes_get_their_hint(conv2d, hint):
    verdict = check_conv2d(conv2d)
    assert verdict.status == "wrong", str(verdict)
    assert hint in verdict.hint, str(verdict)


def conv2d_by_functional(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return F.conv2d(x, weight, bias, stride, padding, dilation, groups)


def conv2d_by_module(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    c_out, _, kh, kw = weight.shape
    conv = torch.nn.Conv2d(
        x.shape[1], c_out, (kh, kw), stride, padding, dilation, groups, bias=bias is not None
    )
    params = {"weight": weight} | ({} if bias is None else {"bias": bias})
    return torch.func.functional_call(conv, params, (x,))


def conv2d_by_aten(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    pair = [[stride] * 2, [padding] * 2, [dilation] * 2]
    return torch.ops.aten.convolution(x, weight, bias, *pair, False, [0, 0], groups)


def conv2d_only_for_groups(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    if groups > 1:
        return torch.conv2d(x, weight, bias, stride, padding, dilation, groups)
    return conv2d_unfold(x, weight, bias, stride, padding, dilation, groups)


@pytest.mark.parametrize(
    "conv2d", [conv2d_by_functional, conv2d_by_module, conv2d_by_aten, conv2d_only_for_groups]
)
def test_conv2d_that_calls_torch_convolution_fails(conv2d):
    """Tasks 8.5/8.6 ask for the convolution by hand: PyTorch's own, in any spelling, fails."""
    verdict = check_conv2d(conv2d)
    assert verdict.status == "wrong", str(verdict)
    assert "PyTorch's own convolution" in verdict.hint


def test_conv2d_stub_says_not_yet_and_non_functions_are_wrong():
    assert check_conv2d(conv2d_stub).status == "todo"
    assert check_conv2d(...).status == "todo"
    assert "function" in check_conv2d(3).hint


def replay(losses):
    """A fake train_* that returns fixed losses, cut to the steps asked for."""

    def train(steps, lr):
        return [loss * lr / 0.2 for loss in losses][:steps]

    return train


THEIRS = [0.9 - 0.001 * i for i in range(300)]


def test_same_losses_compares_runs_step_by_step():
    theirs = replay(THEIRS)
    assert check_same_losses(replay([x + 1e-9 for x in THEIRS]), theirs)
    assert "very first" in check_same_losses(replay([1.0, *THEIRS[1:]]), theirs).hint
    later = [*THEIRS[:2], 0.3, *THEIRS[3:]]
    assert "step 2" in check_same_losses(replay(later), theirs).hint
    assert "numbers of losses" in check_same_losses(replay(THEIRS[:-1]), theirs).hint
    assert check_same_losses(None, theirs).status == "todo"


def test_same_losses_rejects_torch_inside_train_mine_and_replayed_losses():
    def train_torch(steps, lr):
        w = torch.tensor(1.0, requires_grad=True)
        losses = []
        for _ in range(steps):
            loss = (w - 3) ** 2
            loss.backward()
            with torch.no_grad():
                w -= lr * w.grad
                w.grad.zero_()
            losses.append(loss.item())
        return losses

    assert check_same_losses(train_torch, train_torch).hint.startswith("train_mine runs PyTorch")
    assert (
        "PyTorch" in check_same_losses(lambda steps, lr: train_torch(steps, lr), train_torch).hint
    )
    saved = train_torch(300, 0.2)  # losses saved from the notebook's run, replayed
    replayed = check_same_losses(lambda steps, lr: saved, train_torch)
    assert replayed.status == "wrong" and "numbers of losses" in replayed.hint
    lists = check_same_losses(saved, saved)
    assert lists.status == "wrong" and "functions themselves" in lists.hint


def test_same_losses_runs_the_homework_training_twice_with_the_right_tensor():
    """The official answer passes on a rerun: Tensor copies its data, so init stays put."""
    train_mine, train_torch = xor_training(Tensor)
    first = check_same_losses(train_mine, train_torch)
    assert first, str(first)
    assert "All 300 losses match" in first.detail
    assert check_same_losses(train_mine, train_torch) == first


@pytest.mark.parametrize("bad", [[], [float("nan")], ["x"], 3])
def test_same_losses_refuses_what_is_not_a_list_of_numbers(bad):
    verdict = check_same_losses(lambda steps, lr: bad, replay([1.0]))
    assert verdict.status == "wrong" and "finite numbers" in verdict.hint


@pytest.mark.parametrize(
    ("bad", "error"),
    [(None, CourseTypeError), (b"digraph {}", CourseTypeError), ("  ", CourseValueError)],
)
def test_show_dot_refuses_bad_input(bad, error):
    with pytest.raises(error):
        show_dot(bad)


def test_show_dot_draws_svg_and_keeps_the_source():
    graph = show_dot("digraph { a -> b }")
    assert graph.source == "digraph { a -> b }"
    assert "<svg" in graph._repr_svg_()


def test_skip_unfinished_reports_the_task_and_lets_other_errors_through(capsys):
    with skip_unfinished():
        raise NotImplementedError("Task 8.9: something")
    assert "Task 8.9: something" in capsys.readouterr().out
    with pytest.raises(ZeroDivisionError), skip_unfinished():
        _ = 1 / 0
