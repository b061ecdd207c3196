"""A one-dimensional numpy array that grows in amortised constant time per appended item."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["GrowableArray"]


class GrowableArray:
    """Append-only buffer over a numpy array that grows its capacity by half when full.

    Growing by half rather than doubling keeps the spare capacity of a large buffer (the
    per-term arrays of a big vocabulary) at most half of what it holds, against all of it.

    Examples
    --------
    >>> g = GrowableArray(np.int32)
    >>> g.extend(np.array([1, 2, 3]))
    >>> g.view().tolist()
    [1, 2, 3]
    >>> len(GrowableArray(np.int32, np.arange(100), spare=0.1)._buf)
    110
    """

    def __init__(
        self, dtype: npt.DTypeLike, data: npt.ArrayLike | None = None, spare: float = 0.0
    ) -> None:
        """Start with ``data``, and room for ``spare`` times as many more items."""
        initial = np.asarray([] if data is None else data, dtype=dtype)
        capacity = max(16, initial.size + int(spare * initial.size))
        self._buf: npt.NDArray[Any] = np.empty(capacity, dtype=dtype)
        self._buf[: initial.size] = initial
        self._size = int(initial.size)

    def __len__(self) -> int:
        return self._size

    def view(self) -> npt.NDArray[Any]:
        """The filled part, without copying (invalidated by the next append)."""
        return self._buf[: self._size]

    def extend(self, values: npt.ArrayLike) -> None:
        """Append ``values`` to the end."""
        arr = np.asarray(values, dtype=self._buf.dtype).ravel()
        end = self._size + arr.size
        if end > self._buf.size:
            grown = np.empty(max(end, self._buf.size + self._buf.size // 2), dtype=self._buf.dtype)
            grown[: self._size] = self._buf[: self._size]
            self._buf = grown
        self._buf[self._size : end] = arr
        self._size = end
