"""A network with one hidden layer: what each layer computes, and the shapes."""

import matplotlib.pyplot as plt
from figures.drawing import draw_network

fig, ax = plt.subplots(figsize=(7, 3.8))
layers = [
    ("input layer\n$d$ features\n$X$\n$(n, d)$", ["$x_1$", "$x_2$", "$x_3$"], "#dbe9f6"),
    (
        "hidden layer\n$h$ units\n$A_1 = f(X W_1 + b_1)$\n$(n, h)$",
        ["$a_1$", "$a_2$", "$a_3$", "$a_4$"],
        "#fde3c8",
    ),
    (
        "output layer\n$k$ classes\n$P = \\mathrm{softmax}(A_1 W_2 + b_2)$\n$(n, k)$",
        ["$p_1$", "$p_2$", "$p_3$"],
        "#d9f0d3",
    ),
]
draw_network(ax, layers, x_gap=3.0, radius=0.22)
ax.text(1.5, -2.2, "$W_1$: $(d, h)$,  $b_1$: $(h,)$", ha="center", fontsize=10)
ax.text(4.5, -2.2, "$W_2$: $(h, k)$,  $b_2$: $(k,)$", ha="center", fontsize=10)
ax.set(xlim=(-1.2, 7.2), ylim=(-2.5, 3.6))
