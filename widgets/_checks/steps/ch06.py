"""Help in steps for chapter 06 (convolutional networks): levels 2 and 3 of each exercise."""

from __future__ import annotations

from ..._i18n import Message
from . import Steps

STEPS: dict[str, Steps] = {
    "check_mynet": Steps(
        more=Message(
            ja="つまずきやすいのは、最初の全結合層の入力の数です。"
            "2×2 の最大プーリングは縦横を半分にするので、64 → 32 → 16 → 8 → 4 と小さくなり、"
            "最後の段の出力は画像 1 枚あたり 256 チャンネル × 4 × 4 です。"
            "これを `nn.Flatten()` で 1 行に並べた長さが、その入力の数です。"
            "4 つの段はチャンネル数が違うだけなので、入力と出力のチャンネル数を受け取って 1 段分の "
            "`nn.Sequential` を返す関数を作ると楽に書けます。"
            "畳み込みの入力チャンネル数は直前の層の出力チャンネル数、`nn.BatchNorm2d` に渡すのは"
            "直前の畳み込みの出力チャンネル数です。",
            en="The usual sticking point is the number of inputs of the first fully connected layer. "
            "Each 2×2 max pooling halves height and width, 64 → 32 → 16 → 8 → 4, so the last stage "
            "gives 256 channels of 4 × 4 per image; `nn.Flatten()` lays them out in one row, and "
            "the length of that row is the number. The four stages differ only in their channels, "
            "so a small function that takes the input and output channels and returns one stage "
            "as an `nn.Sequential` saves typing. A convolution's input channels are the previous "
            "layer's output channels, and `nn.BatchNorm2d` takes the output channels of the "
            "convolution before it.",
        ),
        first_step=Message(
            ja="最初の段（3 → 32 チャンネル）はこう書けます: "
            "`nn.Sequential(nn.Conv2d(3, 32, kernel_size=3, padding=1), nn.BatchNorm2d(32), "
            "nn.ReLU(), nn.Conv2d(32, 32, kernel_size=3, padding=1), nn.BatchNorm2d(32), "
            "nn.ReLU(), nn.MaxPool2d(2))`。"
            "残りの 3 段も同じ形で、チャンネル数を 32 → 64、64 → 128、128 → 256 にします。"
            "そのあとに `nn.Flatten()` と、全結合層 3 つ（間に ReLU）を続けます。",
            en="The first stage (3 → 32 channels) can be written as "
            "`nn.Sequential(nn.Conv2d(3, 32, kernel_size=3, padding=1), nn.BatchNorm2d(32), "
            "nn.ReLU(), nn.Conv2d(32, 32, kernel_size=3, padding=1), nn.BatchNorm2d(32), "
            "nn.ReLU(), nn.MaxPool2d(2))`. The other three stages have the same form, with "
            "32 → 64, 64 → 128 and 128 → 256 channels. Then come `nn.Flatten()` and the three "
            "fully connected layers, with ReLU between them.",
        ),
    ),
    "check_probabilities": Steps(
        more=Message(
            ja="予測の手順は 3 つです。"
            "評価モードに切り替えて、BatchNorm が覚えた平均と分散を使うようにすること、"
            "勾配の記録を止めること、出力のロジットを確率に変えることです。"
            "確率にするのは softmax で、クラスの軸は 2 番目（dim=1）です。"
            "`model(images)` の形は (8, 10) なので、各行の合計が 1 になります。"
            "評価モードへの切り替えより先に `model(images)` を一度でも呼ぶと、BatchNorm の統計が"
            "書き換わってしまいます。切り替えは最初に行いましょう。",
            en="Prediction takes three steps: switch to evaluation mode, so that BatchNorm uses the "
            "mean and variance it has stored; stop recording gradients; turn the output logits "
            "into probabilities. The probabilities come from softmax over the class axis, dim=1: "
            "`model(images)` has shape (8, 10), and each row must sum to 1. Calling "
            "`model(images)` even once before the switch rewrites BatchNorm's statistics, so "
            "switch first.",
        ),
        first_step=Message(
            ja="最初の 1 行は `model.eval()` です。"
            "これで BatchNorm は覚えた統計を使い、書き換えなくなります。"
            "すでに学習モードのまま `model(images)` を呼んでいたら、その前に model を作るセルを"
            "実行し直します。"
            "次に `with torch.no_grad():` の中でロジットを計算し、それを確率に変えて `probs` に入れます。",
            en="The first line is `model.eval()`: from then on BatchNorm uses its stored statistics "
            "and leaves them alone. If you have already called `model(images)` in training mode, "
            "run the cell that builds model again first. Then compute the logits inside "
            "`with torch.no_grad():`, turn them into probabilities and store them in `probs`.",
        ),
    ),
    "check_checkpoint": Steps(
        more=Message(
            ja="学習を再開するには、モデルのパラメータだけでなく、オプティマイザの状態"
            "（Adam が覚えている勾配の移動平均など）と、どこまで進んだかが要ります。"
            "前の 2 つは `state_dict()` で取り出し、終わったエポック数と一緒に、キーが "
            '"model"・"optimizer"・"epoch" の辞書にまとめて、`torch.save` で `path` に書きます。'
            "モデルそのものを保存すると、`weights_only=True` で読み込めません。"
            "`epoch` は終わったエポック数で、次に始めるエポックの番号ではありません。",
            en="Resuming training needs more than the model's parameters: the state of the "
            "optimizer too (the running averages of the gradients Adam keeps), and how far "
            "training got. Take the first two with `state_dict()`, put them in a dict with the "
            'number of finished epochs under the keys "model", "optimizer" and "epoch", and '
            "write that dict to `path` with `torch.save`. A whole pickled model does not load "
            "with `weights_only=True`. `epoch` is the number of finished epochs, not the number "
            "of the one to start next.",
        ),
        first_step=Message(
            ja='まず辞書を作ります。最初の項目はモデルのパラメータで、`checkpoint = {{"model": '
            "model.state_dict(), ...}}` のように書きます。"
            "残りの 2 つ（オプティマイザの状態と、終わったエポック数）を同じ辞書に加え、"
            "`torch.save` の 1 つ目の引数にその辞書、2 つ目に `path` を渡します。",
            en='Build the dict first. Its first entry is the model\'s parameters: `checkpoint = {{"model": '
            "model.state_dict(), ...}}`. Add the other two (the optimizer's state and the number "
            "of finished epochs) to the same dict, then pass that dict to `torch.save` as its "
            "first argument and `path` as its second.",
        ),
    ),
}
