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
import csv

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from widgets import (
    check_accuracy,
    check_checkpoint,
    check_conv_pool_shape,
    check_digit_folder,
    check_distances,
    check_draw_graph,
    check_dropout,
    check_grad_by_hand,
    check_masked_loss,
    check_mlp,
    check_mynet,
    check_one_hot,
    check_probabilities,
    check_products,
    check_same_losses,
    check_sgd_step,
    check_split,
    check_to_batch,
    check_train_step,
    sample_image_folder,
)
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


# ch02 ------------------------------------------------------------------------------


def grad_by_hand(x):
    return 6 * (2 * x + 1) ** 2


def sgd_step(w, lr):
    with torch.no_grad():
        w -= lr * w.grad
    w.grad = None


def test_grad_by_hand_is_judged_on_the_judges_own_inputs():
    record = forged(honest(check_grad_by_hand, grad_by_hand))
    for case in record["data"]:
        x = torch.ones_like(case["got"])
        case |= {"x": x, "got": grad_by_hand(x)}
    assert judged(check_grad_by_hand, record) != OK


def test_sgd_steps_are_judged_from_the_statements_start():
    record = forged(honest(check_sgd_step, sgd_step))
    w = torch.zeros(3)  # another start, with the steps that are right from it
    for case in record["data"]:
        grad = 2 * (w - torch.tensor([3.0, -1.0, 0.5]))
        case |= {"before": w.clone(), "grad": grad, "after": w - 0.1 * grad}
        w = w - 0.1 * grad
    assert judged(check_sgd_step, record) != OK


# ch03 ------------------------------------------------------------------------------


class DigitFolder(torch.utils.data.Dataset):
    def __init__(self, folder):
        with open(folder / "labels.csv", newline="") as fh:
            self.rows = list(csv.DictReader(fh))
        self.folder = folder

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        pixels = np.array(Image.open(self.folder / row["file"]), dtype=np.float32) / 255
        return torch.from_numpy(pixels).unsqueeze(0), int(row["label"])


def test_digit_folder_is_judged_on_the_course_digits_not_a_folder_it_names(tmp_path):
    folder = sample_image_folder(n=6, root=tmp_path / "real")
    record = forged(honest(check_digit_folder, DigitFolder(folder), folder))
    fake = tmp_path / "fake"  # a folder of blank images, all labelled 0, with items to match
    fake.mkdir()
    (fake / "labels.csv").write_text("file,label\n" + "".join(f"{i}.png,0\n" for i in range(6)))
    for i in range(6):
        Image.fromarray(np.zeros((28, 28), np.uint8)).save(fake / f"{i}.png")
    record["data"]["folder"] = str(fake)
    for case in record["data"]["items"]:
        case["item"] = (torch.zeros(1, 28, 28), 0)
    assert judged(check_digit_folder, record) != OK


def test_digit_folder_refuses_a_row_count_no_folder_can_have(tmp_path):
    folder = sample_image_folder(n=6, root=tmp_path)
    for rows in (0, -1, 10**9, 6.0, True, "6"):
        record = forged(honest(check_digit_folder, DigitFolder(folder), folder))
        record["data"] |= {"rows": rows, "size": rows}
        assert judged(check_digit_folder, record) != OK, rows


def test_one_hot_is_judged_on_every_digit():
    record = forged(honest(check_one_hot, lambda y: torch.eye(10)[y]))
    for case in record["data"]:  # "every label is 0", with the vector right for 0
        case |= {"y": 0, "got": torch.eye(10)[0]}
    assert judged(check_one_hot, record) != OK


def test_split_sizes_must_be_those_of_the_indices_sent():
    data = torch.utils.data.TensorDataset(torch.arange(100))
    parts = torch.utils.data.random_split(data, [0.8, 0.2], generator=torch.Generator())
    record = forged(honest(check_split, *parts))
    for part in ("train", "val"):  # "the sizes were right", with no indices at all
        record["data"][part]["indices"] = []
    assert judged(check_split, record) != OK


# ch04 ------------------------------------------------------------------------------


def dropout_by_hand(x, p, training):
    if not training:
        return x
    return x * (torch.rand_like(x) > p) / (1 - p)


def conv_pool_by_formula(h, w, kernel_size, stride, padding, dilation, pool):
    def side(n):
        return ((n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1) // pool

    return side(h), side(w)


def test_dropout_is_judged_on_the_judges_own_x_and_p():
    record = forged(honest(check_dropout, dropout_by_hand))
    x = torch.ones(200, 500)  # another x, with outputs that are right dropout of it
    record["data"]["x"] = x
    torch.manual_seed(0)
    runs = [(p, training) for p in (0.2, 0.5) for training in (False, True, True)]
    for case, (p, training) in zip(record["data"]["runs"], runs, strict=True):
        case |= {"p": p, "got": dropout_by_hand(x, p, training)}
    assert judged(check_dropout, record) != OK


def test_mlp_outputs_must_be_the_statements_network_with_its_own_parameters():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )
    record = forged(honest(check_mlp, model))
    g = torch.Generator().manual_seed(1)  # outputs of no network, sent with the right facts
    record["data"]["outputs"] = [torch.randn(8, 10, generator=g) for _ in range(3)]
    assert judged(check_mlp, record) != OK


def test_conv_pool_shapes_are_judged_on_the_judges_own_settings():
    record = forged(honest(check_conv_pool_shape, conv_pool_by_formula))
    for case in record["data"]:  # one easy setting sent for every case, with its shape
        case |= {"args": (4, 4, 1, 1, 0, 1, 2), "got": (2, 2)}
    assert judged(check_conv_pool_shape, record) != OK


# ch05 ------------------------------------------------------------------------------


def step_without_zero_grad(model, X, y, loss_fn, optimizer):
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def test_train_step_needs_every_call():
    """A step that forgets zero_grad() is only seen on the second call: a record of the
    first call alone must not pass."""
    record = grading.record_of(check_train_step, step_without_zero_grad)
    assert judged(check_train_step, record) != OK
    record["data"] = record["data"][:1]
    assert judged(check_train_step, record) != OK


def test_accuracy_is_judged_on_the_judges_own_batches():
    record = forged(
        honest(check_accuracy, lambda lg, lb: (lg.argmax(dim=1) == lb).float().mean().item())
    )
    for case in record["data"]:  # "every batch was all right", with labels made to fit
        logits = torch.eye(3)
        case |= {"logits": logits, "labels": torch.arange(3), "got": 1.0}
    assert judged(check_accuracy, record) != OK


# ch06 ------------------------------------------------------------------------------
# Their probes used to compute the comparison (the reference's output, the right
# probabilities, whether the file loads) in the hand-in's process and send the outcome.


def small_model():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3),
        torch.nn.BatchNorm2d(4),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(4 * 26 * 26, 10),
    )
    model[1].running_mean.fill_(0.5)
    model[1].running_var.fill_(2.0)
    return model


def test_mynet_values_are_compared_in_the_judge():
    from tests.corpus.ch06 import mynet  # a Mynet with the right layers, pooled 3×3

    wrong = mynet((torch.nn.MaxPool2d, lambda m: torch.nn.MaxPool2d(3, 2, 1)))
    record = grading.record_of(check_mynet, wrong)
    assert judged(check_mynet, record) != OK
    record["data"]["difference"] = 0.0
    assert judged(check_mynet, record) != OK


def test_probabilities_are_computed_in_the_judge():
    model, images = small_model(), torch.rand(8, 1, 28, 28)
    with torch.no_grad():  # training mode: the mistake the check is for
        probs = torch.softmax(model(images), dim=1)
    record = grading.record_of(check_probabilities, model, images, probs)
    assert judged(check_probabilities, record) != OK
    record["data"] |= {"right": probs, "train_mode": probs * 0, "batches": 0}
    assert judged(check_probabilities, record) != OK


def test_probabilities_need_the_statements_statistics_not_only_a_zero_count():
    model, images = small_model(), torch.rand(8, 1, 28, 28)
    model(images)  # a look in training mode: the statistics move on
    model.eval()
    with torch.no_grad():
        probs = torch.softmax(model(images), dim=1)
    record = grading.record_of(check_probabilities, model, images, probs)
    assert judged(check_probabilities, record) != OK
    record["data"]["state"]["1.num_batches_tracked"] = torch.tensor(0)  # "never counted"
    assert judged(check_probabilities, record) != OK


def test_checkpoint_is_loaded_in_the_judge(tmp_path):
    model = small_model()
    optimizer = torch.optim.Adam(model.parameters())
    other = torch.nn.Linear(2, 2).state_dict()
    torch.save({"model": other, "optimizer": optimizer.state_dict(), "epoch": 2}, tmp_path / "c")
    record = grading.record_of(check_checkpoint, tmp_path / "c", model)
    assert judged(check_checkpoint, record) != OK
    shapes = {key: tuple(value.shape) for key, value in other.items()}
    record["data"] |= {"shapes": shapes, "loads": ""}  # "it fits the model and loads"
    assert judged(check_checkpoint, record) != OK


# ch08 ------------------------------------------------------------------------------


def test_a_drawn_graph_must_show_the_graphs_own_values():
    from tests.support.reference import Tensor

    record = forged(honest(check_draw_graph, Tensor))
    (found,) = record["data"]["records"]  # a picture of zeros, with zeros as its values
    arrows = "; ".join(f"n0 -> n{i}" for i in range(1, 6))
    found["source"] = f'digraph {{ n0 [label="0 * mul + add tanh"]; {arrows} }}'
    found["values"], found["grads"] = [0.0] * 5, [0.0] * 3
    assert judged(check_draw_graph, record) != OK


def test_same_losses_are_judged_to_the_checks_tolerance_not_the_records():
    from tests.support.reference import Tensor, xor_training

    record = forged(honest(check_same_losses, *xor_training(Tensor)))
    record["data"]["tol"] = 1e9  # "the cell asked for a loose tolerance", with other losses
    for found in record["data"]["records"]:
        found["mine"] = [1.01 * loss for loss in found["theirs"]]
    assert judged(check_same_losses, record) != OK


# ch10 ------------------------------------------------------------------------------


def masked_cross_entropy(logits, labels, lengths):
    losses = F.cross_entropy(logits.permute(0, 2, 1), labels, reduction="none")
    return losses[torch.arange(labels.shape[1]) < lengths.unsqueeze(1)].mean()


def test_masked_loss_gradient_must_be_the_right_losss():
    """The value right (any code can send it) and a gradient with nothing at the padding,
    but not the gradient of the loss: a loss made without the logits' graph, say."""
    record = forged(honest(check_masked_loss, masked_cross_entropy))
    for case in record["data"]:
        grad = case["grad"]
        case["grad"] = (grad != 0).float()  # zero exactly where the right one is
    assert judged(check_masked_loss, record) != OK


# ch09, ch10: every case judged -----------------------------------------------------


def test_judges_need_a_record_for_every_case():
    """A hand-in's process can send the records of the cases it gets right and leave out
    the rest: the judges of several cases refuse a short list."""
    from tests.corpus import ch09, ch10

    seen = set()
    for module in (ch09, ch10):
        for answer in module.ANSWERS:
            if answer.check.__name__ not in CASE_LISTS or answer.status != OK:
                continue
            record = honest(answer.check, *answer.args())
            seen.add(answer.check.__name__)
            cut = forged(record)
            path = CASE_LISTS[answer.check.__name__]
            if path:
                cut["data"][path] = cut["data"][path][:1]
            else:
                cut["data"] = cut["data"][:1]
            assert judged(answer.check, cut) != OK, answer.what
    assert seen == CASE_LISTS.keys()


# The checks whose data is a list of cases (or holds one under this key).
CASE_LISTS = {"check_early_stopping": "", "check_gru_step": "cases", "check_masked_loss": ""}
