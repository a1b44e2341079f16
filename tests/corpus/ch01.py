"""Chapter 01: tensors."""

from __future__ import annotations

import numpy as np
import torch

from tests.corpus import changed, mistake, right, shortcut
from widgets import (
    check_distances,
    check_flatten,
    check_image_batch,
    check_mean_brightness,
    check_products,
    check_to_batch,
)
from widgets._checks.ch01 import (
    BATCH_CHANNELS_LAST,
    BATCH_DTYPE,
    BATCH_SHAPE,
    BATCH_SIX_D,
    BATCH_ZEROS,
    DIST_LOOP,
    DIST_NOT_CALLABLE,
    DIST_SHAPE,
    DIST_SHAPE_ERROR,
    DIST_SHORTCUT,
    DIST_SQUARED,
    DIST_TRANSPOSED,
    DIST_WRONG,
    ELEMENTWISE_WRONG,
    FLAT_ALL,
    FLAT_ORDER,
    FLAT_SHAPE,
    MATRIX_WRONG,
    MEAN_NOT_ALL,
    MEAN_SUM,
    MEAN_TENSOR,
    MEAN_TYPE,
    MEAN_WRONG,
    NOT_A_TENSOR,
    PHOTOS_CAT,
    PHOTOS_CHANNELS_LAST,
    PHOTOS_SCRAMBLED,
    PHOTOS_SHAPE,
    SWAPPED,
)
from widgets._checks.verdict import RETURNED_NONE

A = torch.arange(6.0).reshape(2, 3)
B = torch.arange(6.0).reshape(3, 2)


def images() -> torch.Tensor:
    return torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(1))


def distances_loop(P, Q):
    rows = [torch.stack([((p - q) ** 2).sum().sqrt() for q in Q]) for p in P]
    return torch.stack(rows)


def distances_loop_over_q(P, Q):
    return torch.stack([(P - q).norm(dim=-1) for q in Q], dim=1)


def distances_bc(P, Q):
    return (P.unsqueeze(1) - Q.unsqueeze(0)).pow(2).sum(dim=-1).sqrt()


def distances_no_return(P, Q):
    diff = P.unsqueeze(1) - Q.unsqueeze(0)
    diff.pow(2).sum(dim=-1).sqrt()


def to_batch_no_return(photos):
    torch.stack(photos).permute(0, 3, 1, 2)


ANSWERS = [
    right("zeros with a shape tuple", check_image_batch, lambda: (torch.zeros((16, 3, 32, 32)),)),
    right("new_zeros", check_image_batch, lambda: (torch.empty(0).new_zeros(16, 3, 32, 32),)),
    mistake(
        "channels last",
        check_image_batch,
        lambda: (torch.zeros(16, 32, 32, 3),),
        BATCH_CHANNELS_LAST,
    ),
    mistake(
        "float64",
        check_image_batch,
        lambda: (torch.zeros(16, 3, 32, 32, dtype=torch.float64),),
        BATCH_DTYPE,
    ),
    mistake("ones", check_image_batch, lambda: (torch.ones(16, 3, 32, 32),), BATCH_ZEROS),
    mistake(
        "six dimensions",
        check_image_batch,
        lambda: (torch.zeros(16, 3, 1, 1, 32, 32),),
        BATCH_SIX_D,
    ),
    right("matmul and mul", check_products, lambda: (A, B, torch.matmul(A, B), torch.mul(A, A))),
    right("A ** 2", check_products, lambda: (A, B, A @ B, A**2)),
    mistake("swapped", check_products, lambda: (A, B, A * A, A @ B), SWAPPED),
    mistake("A @ A.T for D", check_products, lambda: (A, B, A @ B, A @ A.T), ELEMENTWISE_WRONG),
    mistake("B @ A for C", check_products, lambda: (A, B, B @ A, A * A), MATRIX_WRONG),
    right("view with size(0)", check_flatten, lambda: (x := images(), x.view(x.size(0), -1))),
    right("torch.flatten(x, 1)", check_flatten, lambda: (x := images(), torch.flatten(x, 1))),
    mistake("the whole batch", check_flatten, lambda: (x := images(), x.reshape(-1)), FLAT_ALL),
    mistake(
        "transposed first",
        check_flatten,
        lambda: (x := images(), x.transpose(2, 3).reshape(4, -1)),
        FLAT_ORDER,
    ),
    mistake("-1 first", check_flatten, lambda: (x := images(), x.reshape(-1, 4)), FLAT_SHAPE),
    right(
        "sum / numel", check_mean_brightness, lambda: (x := images(), float(x.sum() / x.numel()))
    ),
    right("mean().item()", check_mean_brightness, lambda: (x := images(), x.mean().item())),
    mistake(
        "still a tensor", check_mean_brightness, lambda: (x := images(), x.mean()), MEAN_TENSOR
    ),
    mistake(
        "mean over dim=0",
        check_mean_brightness,
        lambda: (x := images(), x.mean(dim=0)),
        MEAN_NOT_ALL,
    ),
    mistake("the sum", check_mean_brightness, lambda: (x := images(), x.sum().item()), MEAN_SUM),
    changed(
        mistake("a double loop", check_distances, lambda: (distances_loop,), DIST_LOOP),
        "issue 24: the statement forbids a for loop, and the check now sees one (it passed)",
    ),
    mistake("a loop over Q", check_distances, lambda: (distances_loop_over_q,), DIST_LOOP),
    right(
        "None indexing and norm",
        check_distances,
        lambda: (lambda P, Q: (P[:, None] - Q[None]).norm(dim=-1),),
    ),
    mistake(
        "squared distances",
        check_distances,
        lambda: (lambda P, Q: (P[:, None] - Q[None]).pow(2).sum(dim=-1),),
        DIST_SQUARED,
    ),
    mistake(
        "no unsqueeze",
        check_distances,
        lambda: (lambda P, Q: (P - Q).norm(dim=-1),),
        DIST_SHAPE_ERROR,
    ),
    mistake("forgotten return", check_distances, lambda: (distances_no_return,), RETURNED_NONE),
    shortcut(
        "torch.cdist", check_distances, lambda: (lambda P, Q: torch.cdist(P, Q),), DIST_SHORTCUT
    ),
    right(
        "permute each, then stack",
        check_to_batch,
        lambda: (lambda photos: torch.stack([p.permute(2, 0, 1) for p in photos]),),
    ),
    right(
        "movedim",
        check_to_batch,
        lambda: (lambda photos: torch.stack(photos).movedim(-1, 1),),
    ),
    mistake(
        "stack only",
        check_to_batch,
        lambda: (lambda photos: torch.stack(photos),),
        PHOTOS_CHANNELS_LAST,
    ),
    mistake(
        "reshape instead of permute",
        check_to_batch,
        lambda: (lambda photos: torch.stack(photos).reshape(len(photos), 3, *photos[0].shape[:2]),),
        PHOTOS_SCRAMBLED,
    ),
    mistake("forgotten return", check_to_batch, lambda: (to_batch_no_return,), RETURNED_NONE),
    # Hostile or mistaken answers added for issue 24 (moved from tests/widgets/checks/test_ch01.py too).
    mistake("a nested list", check_image_batch, lambda: ([[0.0]],), NOT_A_TENSOR),
    mistake("a NumPy array", check_image_batch, lambda: (np.zeros((16, 3, 32, 32)),), NOT_A_TENSOR),
    mistake("8 images", check_image_batch, lambda: (torch.zeros(8, 3, 32, 32),), BATCH_SHAPE),
    mistake(
        "int64 zeros",
        check_image_batch,
        lambda: (torch.zeros(16, 3, 32, 32, dtype=torch.int64),),
        BATCH_DTYPE,
    ),
    mistake("A + A for D", check_products, lambda: (A, B, A @ B, A + A), ELEMENTWISE_WRONG),
    mistake(
        "B overwritten with text", check_products, lambda: (A, "B", A @ B, A * A), NOT_A_TENSOR
    ),
    mistake("28 rows", check_flatten, lambda: (x := images(), x.reshape(28, -1)), FLAT_SHAPE),
    mistake(
        "the brightest pixel",
        check_mean_brightness,
        lambda: (x := images(), x[0].max().item()),
        MEAN_WRONG,
    ),
    mistake("a string", check_mean_brightness, lambda: (images(), "0.5"), MEAN_TYPE),
    mistake(
        "NumPy's float32",
        check_mean_brightness,
        lambda: (x := images(), np.float32(x.mean().item())),
        MEAN_TYPE,
    ),
    mistake(
        "P and Q swapped",
        check_distances,
        lambda: (lambda P, Q: distances_bc(Q, P),),
        DIST_TRANSPOSED,
    ),
    mistake(
        "no sum over the coordinates",
        check_distances,
        lambda: (lambda P, Q: (P[:, None] - Q[None]).abs(),),
        DIST_SHAPE,
    ),
    mistake(
        "city-block distances",
        check_distances,
        lambda: (lambda P, Q: (P[:, None] - Q[None]).abs().sum(dim=-1),),
        DIST_WRONG,
    ),
    mistake(
        "a table, not a function", check_distances, lambda: (torch.zeros(5, 3),), DIST_NOT_CALLABLE
    ),
    mistake(
        "torch.cat",
        check_to_batch,
        lambda: (lambda photos: torch.cat(photos).permute(2, 0, 1),),
        PHOTOS_CAT,
    ),
    mistake(
        "H and W swapped",
        check_to_batch,
        lambda: (lambda photos: torch.stack(photos).permute(0, 3, 2, 1),),
        PHOTOS_SHAPE,
    ),
    mistake(
        "a list of tensors",
        check_to_batch,
        lambda: (lambda photos: [p.permute(2, 0, 1) for p in photos],),
        NOT_A_TENSOR,
    ),
]
