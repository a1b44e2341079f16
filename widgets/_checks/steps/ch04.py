"""Help in steps for chapter 04 (networks): levels 2 and 3 of each exercise."""

from __future__ import annotations

from ..._i18n import Message
from . import Steps

STEPS: dict[str, Steps] = {
    "check_conv_pool_shape": Steps(
        more=Message(
            ja=(
                "高さと幅は別々に、同じ 2 段階で計算します。"
                "1 段目は畳み込みです。第5節の長さの式 ⌊(L + 2P − D(K − 1) − 1) / S⌋ + 1 に、この関数の `padding`・`dilation`・`kernel_size`・`stride` を入れます。"
                "2 段目は最大プーリングで、畳み込みの出力の長さに同じ式をもう一度使います。カーネルもストライドも `pool` で、パディングはなし、dilation は 1 です。"
                "割り算は `//` にして整数のままにし、(高さ, 幅) の組を返します。"
            ),
            en=(
                "Work out height and width separately, with the same two stages each. Stage one "
                "is the convolution: section 5's length formula ⌊(L + 2P − D(K − 1) − 1) / S⌋ + 1 "
                "with this function's `padding`, `dilation`, `kernel_size` and `stride`. Stage "
                "two is the max pooling: the same formula again, on the convolution's output "
                "length, with `pool` as both kernel and stride, no padding and a dilation of 1. "
                "Divide with `//` so the results stay integers, and return the pair (height, width)."
            ),
        ),
        first_step=Message(
            ja=(
                "まず 1 辺を手で計算します。例は h = 28、kernel_size = 3、stride = 1、padding = 1、dilation = 1 です。"
                "畳み込みのあとの長さは (28 + 2·1 − 1·(3 − 1) − 1) // 1 + 1 = 28 になります。"
                "辺の長さを `n` とすると、コードは次の 1 行になります。"
                "`after_conv = (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1` です。"
                "pool = 2 なら、このあとのプーリングで 14 になります。プーリングの行と、幅への適用は自分で書いてみましょう。"
            ),
            en=(
                "First work one side out by hand. For h = 28, kernel_size = 3, stride = 1, "
                "padding = 1 and dilation = 1, the convolution gives "
                "(28 + 2·1 − 1·(3 − 1) − 1) // 1 + 1 = 28. In code, for a length `n`: "
                "`after_conv = (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1`. "
                "With pool = 2 the pooling then leaves 14. The pooling line, and doing the same for "
                "the width, are yours to write."
            ),
        ),
    ),
    "check_param_count": Steps(
        more=Message(
            ja=(
                "パラメータを持つのは 2 つの `nn.Linear` だけで、`Flatten` と `ReLU` にはありません。"
                "`nn.Linear(in, out)` には、out × in 個の数が並んだ重みの行列と、out 個のバイアスがあります。"
                "層ごとにこの 2 つを数え、2 つの層の分を足します。"
            ),
            en=(
                "Only the two `nn.Linear` layers have parameters; `Flatten` and `ReLU` have none. "
                "An `nn.Linear(in, out)` holds a weight matrix of out × in numbers and a bias of "
                "out numbers. Count both for each layer, then add the two layers up."
            ),
        ),
        first_step=Message(
            ja=(
                "まず 1 つ目の層 `nn.Linear(784, 128)` を数えます。重みの形は (128, 784) で 784 × 128 = 100,352 個、"
                "バイアスは 128 個なので、この層のパラメータは 100,480 個です。"
                "`sum(p.numel() for p in nn.Linear(784, 128).parameters())` で確かめられます。"
                "2 つ目の層も同じように数えて足しましょう。"
            ),
            en=(
                "First count the first layer, `nn.Linear(784, 128)`: its weight has shape "
                "(128, 784), which is 784 × 128 = 100,352 numbers, and its bias has 128, so the "
                "layer has 100,480 parameters. "
                "`sum(p.numel() for p in nn.Linear(784, 128).parameters())` confirms it. Count "
                "the second layer the same way and add."
            ),
        ),
    ),
    "check_mlp": Steps(
        more=Message(
            ja=(
                "`__init__` では、層を作って属性（`self.名前 = ...`）に入れます。属性に入れた層のパラメータだけを、`nn.Module` が見つけられます。"
                "必要なのは、平らにする層、784 → 128 の全結合層、128 → 10 の全結合層です。"
                "`forward` では、それらを順にかけます。平らにして (N, 1, 28, 28) を (N, 784) にし、1 つ目の全結合層、ReLU、2 つ目の全結合層の順です。"
                "最後の全結合層の出力を、そのまま返します。"
            ),
            en=(
                "`__init__` creates the layers and stores them as attributes (`self.name = ...`): "
                "`nn.Module` finds the parameters of layers stored that way only. You need a "
                "flatten layer, a fully connected layer 784 → 128 and one 128 → 10. `forward` "
                "applies them in order: flatten, turning (N, 1, 28, 28) into (N, 784), then the "
                "first fully connected layer, ReLU, the second fully connected layer. Return that "
                "last layer's output as it is."
            ),
        ),
        first_step=Message(
            ja=(
                "まず `__init__` の層からです。`super().__init__()` のあとに、1 つ目の全結合層を `self.fc1 = nn.Linear(784, 128)` と書きます。"
                "入力の 784 は画素 1 つに 1 つ、出力の 128 は隠れ層の大きさです。"
                "平らにする層と 2 つ目の全結合層も同じように作ります。`forward` を書く前の段階で、"
                "`sum(p.numel() for p in DigitMLP().parameters())` が 101,770 であることを確かめましょう。"
            ),
            en=(
                "Start with the layers in `__init__`. After `super().__init__()`, write the first "
                "fully connected layer as `self.fc1 = nn.Linear(784, 128)`: 784 inputs, one per "
                "pixel, and 128 outputs, the size of the hidden layer. Create the flatten layer "
                "and the second fully connected layer the same way, and before writing `forward`, "
                "check that `sum(p.numel() for p in DigitMLP().parameters())` is 101,770."
            ),
        ),
    ),
    "check_dropout": Steps(
        more=Message(
            ja=(
                "2 つの場合に分けて考えます。評価時（`training` が `False`）は、`x` をそのまま返します。"
                "学習時は、`torch.rand_like(x)` で要素ごとに 0〜1 の乱数を 1 つずつ作り、`p` と比べて真偽値のマスクにします。"
                "マスクが真になるのは残す要素で、その確率は 1 − p です。"
                "マスクを `x` と掛け合わせると、ほかの要素が 0 になります。さらに 1 − p で割ると、出力の平均が評価時と変わりません。"
                "乱数は関数の中で作ります。そうすれば、呼ぶたびに新しいマスクが作られます。"
            ),
            en=(
                "There are two cases. In evaluation (`training` is `False`), return `x` as it is. "
                "In training, draw one uniform random number in [0, 1) per element with "
                "`torch.rand_like(x)` and compare it with `p` to get a boolean mask; the mask is "
                "true for the elements to keep, with probability 1 − p. Multiplying `x` by the "
                "mask zeroes the others, and dividing by 1 − p keeps the mean of the output as in "
                "evaluation. Draw the random numbers inside the function, so every call gets a "
                "new mask."
            ),
        ),
        first_step=Message(
            ja=(
                "まずマスクを作り、使う前に中身を確かめます。`x = torch.ones(1000)`、`p = 0.2` として "
                "`(torch.rand_like(x) >= p).float().mean()` を計算すると、0.8 前後の値が出ます。これが残る要素の割合です。"
                "比べる向きを逆にすると 0.2 に近くなり、0 にする確率と残す確率が入れ替わってしまいます。"
                "残りは、マスクを掛けて 1 − p で割ることと、評価時の場合分けです。"
            ),
            en=(
                "First build the mask and look at it before using it. With `x = torch.ones(1000)` "
                "and `p = 0.2`, `(torch.rand_like(x) >= p).float().mean()` comes out close to 0.8: "
                "the share of elements kept. The comparison the other way round gives about 0.2, "
                "swapping the probability of zeroing with that of keeping. Left for you: applying "
                "the mask with the division by 1 − p, and the evaluation case."
            ),
        ),
    ),
}
