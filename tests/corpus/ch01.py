"""Chapter 01: tensors."""

from __future__ import annotations

import torch

from tests.corpus import mistake, right, shortcut
from widgets import (
    check_distances,
    check_flatten,
    check_image_batch,
    check_mean_brightness,
    check_products,
    check_to_batch,
)

A = torch.arange(6.0).reshape(2, 3)
B = torch.arange(6.0).reshape(3, 2)


def images() -> torch.Tensor:
    return torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(1))


def distances_loop(P, Q):
    rows = [torch.stack([((p - q) ** 2).sum().sqrt() for q in Q]) for p in P]
    return torch.stack(rows)


def distances_no_return(P, Q):
    diff = P.unsqueeze(1) - Q.unsqueeze(0)
    diff.pow(2).sum(dim=-1).sqrt()


def to_batch_no_return(photos):
    torch.stack(photos).permute(0, 3, 1, 2)


ANSWERS = [
    right("zeros with a shape tuple", check_image_batch, lambda: (torch.zeros((16, 3, 32, 32)),)),
    right("new_zeros", check_image_batch, lambda: (torch.empty(0).new_zeros(16, 3, 32, 32),)),
    mistake("channels last", check_image_batch, lambda: (torch.zeros(16, 32, 32, 3),), "channels"),
    mistake(
        "float64",
        check_image_batch,
        lambda: (torch.zeros(16, 3, 32, 32, dtype=torch.float64),),
        "float32",
    ),
    mistake("ones", check_image_batch, lambda: (torch.ones(16, 3, 32, 32),), "torch.zeros"),
    mistake(
        "six dimensions", check_image_batch, lambda: (torch.zeros(16, 3, 1, 1, 32, 32),), "4-D"
    ),
    right("matmul and mul", check_products, lambda: (A, B, torch.matmul(A, B), torch.mul(A, A))),
    right("A ** 2", check_products, lambda: (A, B, A @ B, A**2)),
    mistake("swapped", check_products, lambda: (A, B, A * A, A @ B), "swapped"),
    mistake("A @ A.T for D", check_products, lambda: (A, B, A @ B, A @ A.T), "A * A"),
    mistake("B @ A for C", check_products, lambda: (A, B, B @ A, A * A), "A @ B"),
    right("view with size(0)", check_flatten, lambda: (x := images(), x.view(x.size(0), -1))),
    right("torch.flatten(x, 1)", check_flatten, lambda: (x := images(), torch.flatten(x, 1))),
    mistake(
        "the whole batch", check_flatten, lambda: (x := images(), x.reshape(-1)), "whole batch"
    ),
    mistake(
        "transposed first",
        check_flatten,
        lambda: (x := images(), x.transpose(2, 3).reshape(4, -1)),
        "out of order",
    ),
    mistake("-1 first", check_flatten, lambda: (x := images(), x.reshape(-1, 4)), "first axis N"),
    right(
        "sum / numel", check_mean_brightness, lambda: (x := images(), float(x.sum() / x.numel()))
    ),
    right("mean().item()", check_mean_brightness, lambda: (x := images(), x.mean().item())),
    mistake("still a tensor", check_mean_brightness, lambda: (x := images(), x.mean()), ".item()"),
    mistake(
        "mean over dim=0",
        check_mean_brightness,
        lambda: (x := images(), x.mean(dim=0)),
        "without dim",
    ),
    mistake("the sum", check_mean_brightness, lambda: (x := images(), x.sum().item()), "sum"),
    right("a double loop", check_distances, lambda: (distances_loop,)),
    right(
        "None indexing and norm",
        check_distances,
        lambda: (lambda P, Q: (P[:, None] - Q[None]).norm(dim=-1),),
    ),
    mistake(
        "squared distances",
        check_distances,
        lambda: (lambda P, Q: (P[:, None] - Q[None]).pow(2).sum(dim=-1),),
        "sqrt()",
    ),
    mistake(
        "no unsqueeze",
        check_distances,
        lambda: (lambda P, Q: (P - Q).norm(dim=-1),),
        "unsqueeze",
    ),
    mistake("forgotten return", check_distances, lambda: (distances_no_return,), "forget `return`"),
    shortcut("torch.cdist", check_distances, lambda: (lambda P, Q: torch.cdist(P, Q),), "cdist"),
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
        "stack only", check_to_batch, lambda: (lambda photos: torch.stack(photos),), "still last"
    ),
    mistake(
        "reshape instead of permute",
        check_to_batch,
        lambda: (lambda photos: torch.stack(photos).reshape(len(photos), 3, *photos[0].shape[:2]),),
        "reshape and view do not move",
    ),
    mistake("forgotten return", check_to_batch, lambda: (to_batch_no_return,), "forget `return`"),
]
