"""``coefs_`` and ``intercepts_``: lists of per-layer views that write into the weights."""

import numpy as np


class LayerArrays(list):
    """``coefs_`` or ``intercepts_``: one view per layer into the parameter vector ``theta``.

    Assigning an entry (``model.coefs_[1] = W``, ``model.coefs_[0] *= 0.5``) copies the new
    values into the view, so the model changes, as a stored list of MLPClassifier's would. The
    number of layers and their shapes are the network's: a change of either is refused with a
    ValueError rather than lost.
    """

    def __init__(self, name, views):
        super().__init__(views)
        self.name = name

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            views = list.__getitem__(self, index)
            values = list(value)
            if len(values) != len(views):
                raise ValueError(
                    f"{self.name}[{index.start}:{index.stop}] holds {len(views)} arrays, not "
                    f"{len(values)}: the number of layers is fixed by hidden_layer_sizes."
                )
            for i, view, new in zip(range(len(self))[index], views, values, strict=True):
                self._write(i, view, new)
        else:
            i = range(len(self))[index]  # an IndexError for an index out of range
            self._write(i, list.__getitem__(self, i), value)

    def replace_all(self, arrays):
        """Write every layer's array (``model.coefs_ = arrays``)."""
        arrays = list(arrays)
        if len(arrays) != len(self):
            raise ValueError(
                f"{self.name} must hold {len(self)} arrays, one per layer, not {len(arrays)}: "
                "the number of layers is fixed by hidden_layer_sizes (refit to change it)."
            )
        self[:] = arrays

    def _write(self, i, view, value):
        try:
            value = np.asarray(value, dtype=view.dtype)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{self.name}[{i}] must be an array of numbers ({exc})") from None
        if value.shape != view.shape:
            raise ValueError(
                f"{self.name}[{i}] has shape {view.shape} in this network, not {value.shape}; "
                "to change a layer's size, set hidden_layer_sizes and fit again."
            )
        view[...] = value

    def _structure_is_fixed(self, *args, **kwargs):
        raise ValueError(
            f"{self.name} holds one array per layer; its length is fixed by hidden_layer_sizes "
            "(set hidden_layer_sizes and fit again to change the layers)."
        )

    append = extend = insert = pop = remove = clear = sort = reverse = _structure_is_fixed
    __delitem__ = __iadd__ = __imul__ = _structure_is_fixed

    def __reduce_ex__(self, protocol):
        # copy, deepcopy and pickle make a plain list (of independent arrays, when deep)
        return list, (list(self),)
