"""Probe data forged the way a hand-in would forge it, judged as the grader judges it.

At grading a check's probe runs in the hand-in's kernel, where the learner's code may have
patched anything, and only its data reaches the judge (widgets/_checks/grading.py). So the
judge must not take the inputs, the reference or the number of cases from that data: each
test here takes an honest record, alters it consistently (other inputs with the outputs that
are right for them, fewer cases) and asserts the judge does not give ✓ for it, while the
honest record still gets ✓.
"""

from __future__ import annotations

import copy

import torch

from widgets import check_distances, check_products, check_to_batch
from widgets._checks import grading
from widgets._checks.verdict import OK


def judged(check, record: dict) -> str:
    return grading.judged(check, record).status


def honest(check, *answers) -> dict:
    record = grading.record_of(check, *answers)
    assert judged(check, record) == OK, grading.judged(check, record)
    return record


def forged(record: dict) -> dict:
    return copy.deepcopy(record)


def distances(P, Q):
    return (P[:, None, :] - Q[None, :, :]).pow(2).sum(dim=-1).sqrt()


def to_batch(photos):
    return torch.stack(photos).permute(0, 3, 1, 2)


# ch01 ------------------------------------------------------------------------------


def test_products_are_judged_on_the_statements_A_and_B():
    A, B = torch.arange(6.0).reshape(2, 3), torch.arange(6.0).reshape(3, 2)
    honest(check_products, A, B, A @ B, A * A)
    zeros = [torch.zeros(2, 3), torch.zeros(3, 2), torch.zeros(2, 2), torch.zeros(2, 3)]
    assert judged(check_products, {"data": tuple(zeros)}) != OK


def test_distances_are_judged_on_the_judges_own_points():
    record = forged(honest(check_distances, distances))
    for case in record["data"]:
        n, m = case["got"].shape
        case |= {"P": torch.zeros(n, 2), "Q": torch.zeros(m, 2), "got": torch.zeros(n, m)}
    assert judged(check_distances, record) != OK


def test_distances_need_a_record_for_every_case():
    record = forged(honest(check_distances, distances))
    record["data"] = record["data"][:1]
    assert judged(check_distances, record) != OK
    record["data"] = []
    assert judged(check_distances, record) != OK


def test_to_batch_is_judged_on_the_judges_own_photos():
    record = forged(honest(check_to_batch, to_batch))
    for case in record["data"]:
        n, _, h, w = case["got"].shape
        case |= {"photos": [torch.zeros(h, w, 3)] * n, "got": torch.zeros(n, 3, h, w)}
    assert judged(check_to_batch, record) != OK
