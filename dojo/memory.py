"""What a forward pass costs in memory: the bytes autograd saves for backward, and the CUDA peak.

Autograd keeps, for every operation it records, the tensors its backward will need (ReLU keeps its
output, a convolution its input, max-pooling its input and the indices of the maxima). Those
*saved tensors* are what `torch.no_grad()` spares an evaluation. This module counts them exactly,
through `torch.autograd.graph.saved_tensors_hooks`:

- every tensor autograd saves during the call is looked at once, when it is packed;
- what it costs is the full size of the storage it uses (a view keeps its whole storage alive),
  each distinct storage counted once however many operations save it (ReLU's output is saved by
  the ReLU and again by the next convolution);
- storages shared with a parameter are left out: the weights exist anyway (`Linear` saves a view
  of its weight, `weight.t()`), so they cost evaluation nothing extra.

    >>> from dojo.memory import saved_bytes, saved_bytes_by_layer
    >>> net = Net().eval()
    >>> saved_bytes(net, torch.randn(1000, 1, 28, 28), params=net.parameters())
    348264000
    >>> with torch.no_grad():
    ...     saved_bytes(net, torch.randn(1000, 1, 28, 28), params=net.parameters())
    0
    >>> saved_bytes_by_layer(net, torch.randn(1000, 1, 28, 28))
    [('conv1', 3136000), ('relu', 86528000), ('conv2', 0), ('relu', 147456000), ...]

The per-layer breakdown names the innermost module whose forward was running when a tensor was
saved (`conv1`), or, for the functional calls made by a model's own `forward` (`F.relu`), the
function's name. Each storage is credited to the layer that saved it first: `conv2` shows 0 because
the tensor it saves, its input, is the ReLU output already counted.

On CUDA, `cuda_peak` measures the peak of allocated memory around a call
(`torch.cuda.reset_peak_memory_stats` / `torch.cuda.max_memory_allocated`).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

__all__ = [
    "Saved",
    "SavedTensorLog",
    "Measurement",
    "measure",
    "saved_bytes",
    "saved_bytes_by_layer",
    "CudaPeak",
    "cuda_peak",
    "cuda_peak_bytes",
]


@dataclass(frozen=True)
class Saved:
    """One tensor that autograd saved for backward."""

    layer: str  # the module whose forward was running, or the function (see the module docstring)
    shape: tuple[int, ...]
    dtype: torch.dtype
    storage_bytes: int  # the full size of the storage the tensor uses
    new_bytes: int  # what it added to the total: 0 for a parameter's or an already counted storage
    parameter: bool  # its storage is shared with a parameter
    call: int = 0  # which top-level torch call saved it (used to group the layers)


def _storage_objects_are_preserved() -> bool:
    """Whether a storage's Python object lives exactly as long as the storage itself (PyTorch's
    PyObject preservation), so that a weak reference tells when a storage is freed."""
    t = torch.empty(1)
    ref = weakref.ref(t.untyped_storage())
    return ref() is not None and t.untyped_storage() is ref()


class _Calls(TorchFunctionMode):
    """Names the top-level torch function running (`relu`, `conv2d`, ...) and numbers its calls.
    Nested calls are not seen: a mode is switched off while its own handler runs."""

    def __init__(self):
        super().__init__()
        self.name = ""
        self.count = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        outer = self.name
        self.count += 1
        self.name = getattr(func, "__name__", None) or str(func)
        try:
            return func(*args, **(kwargs or {}))
        finally:
            self.name = outer


class SavedTensorLog:
    """A context manager that records every tensor autograd saves for backward inside it.

        with SavedTensorLog(params=model.parameters()) as log:
            out = model(x)
        log.total          # bytes of the distinct non-parameter storages saved
        log.saved          # one `Saved` per tensor packed, in order
        log.saves(x)       # whether x's storage was saved

    `model` (optional) adds the per-layer names (`log.by_layer()`), through forward hooks on every
    module of the model and a torch-function mode that names the functional calls."""

    def __init__(self, params: Iterable[torch.Tensor] = (), model: nn.Module | None = None):
        self._param_storages = [p.untyped_storage() for p in params]
        self._param_keys = {s._cdata for s in self._param_storages}
        self._model = model
        self._alive: dict[int, Any] = {}  # storage key -> the storage (or a finalizer while alive)
        self._finalizers: list[weakref.finalize] = []
        self._weak = _storage_objects_are_preserved()
        self._modules: list[str] = []
        self._handles: list[Any] = []
        self._calls: _Calls | None = None
        self._hooks = None
        self._keys_packed: set = set()
        self.saved: list[Saved] = []
        self.total = 0

    # --- the hooks ---

    def _key(self, tensor: torch.Tensor):
        try:
            storage = tensor.untyped_storage()
        except (RuntimeError, NotImplementedError):  # no storage (a sparse or wrapper tensor)
            return ("tensor", id(tensor)), tensor, tensor.nelement() * tensor.element_size()
        return storage._cdata, storage, storage.nbytes()

    def _remember(self, key, storage) -> None:
        if self._weak and not isinstance(key, tuple):
            # forget it once freed: a new storage may come to live at the same address
            finalizer = weakref.finalize(storage, self._alive.pop, key, None)
            finalizer.atexit = False
            self._finalizers.append(finalizer)
            self._alive[key] = True
        else:
            self._alive[key] = storage  # kept alive until the log closes, so never confused

    def _pack(self, tensor: torch.Tensor) -> torch.Tensor:
        key, storage, nbytes = self._key(tensor)
        self._keys_packed.add(key)
        parameter = key in self._param_keys
        new = 0 if parameter or key in self._alive else nbytes
        if new:
            self._remember(key, storage)
            self.total += new
        self.saved.append(
            Saved(
                layer=self._layer(),
                shape=tuple(tensor.shape),
                dtype=tensor.dtype,
                storage_bytes=nbytes,
                new_bytes=new,
                parameter=parameter,
                call=self._calls.count if self._calls is not None else 0,
            )
        )
        # The same data, but not the same tensor object: a hook that hands back the tensor it got
        # makes a cycle when that tensor is the op's own output (log_softmax saves its result:
        # output -> grad_fn -> output), which autograd would otherwise avoid, and the whole graph
        # would never be freed.
        return tensor.detach()

    @staticmethod
    def _unpack(tensor: torch.Tensor) -> torch.Tensor:
        return tensor

    def _layer(self) -> str:
        if self._modules and self._modules[-1]:
            return self._modules[-1]
        return self._calls.name if self._calls is not None and self._calls.name else ""

    # --- entering and leaving ---

    def __enter__(self) -> "SavedTensorLog":
        if self._model is not None:
            for name, module in self._model.named_modules():
                self._handles.append(module.register_forward_pre_hook(self._enter_module(name)))
                self._handles.append(
                    module.register_forward_hook(self._leave_module, always_call=True)
                )
            self._calls = _Calls()
            self._calls.__enter__()
        self._hooks = torch.autograd.graph.saved_tensors_hooks(self._pack, self._unpack)
        self._hooks.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._hooks.__exit__(*exc)
        if self._calls is not None:
            self._calls.__exit__(*exc)
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        for finalizer in self._finalizers:
            finalizer.detach()
        self._finalizers.clear()
        self._alive.clear()
        self._param_storages.clear()

    def _enter_module(self, name: str):
        def hook(module, args):
            self._modules.append(name)

        return hook

    def _leave_module(self, module, args, output):
        if self._modules:
            self._modules.pop()

    # --- what was saved ---

    def saves(self, tensor: torch.Tensor) -> bool:
        """Whether autograd saved a tensor that uses `tensor`'s storage. Exact for a tensor that
        was alive the whole time the log was open (no other storage could have had its address)."""
        return self._key(tensor)[0] in self._keys_packed

    @property
    def count(self) -> int:
        """How many tensors were packed (parameters and repeats included)."""
        return len(self.saved)

    def by_layer(self) -> list[tuple[str, int]]:
        """[(layer, bytes)] in the order the layers ran: consecutive saves of one call of one
        layer are merged. The bytes add up to `total`."""
        layers: list[tuple[str, int]] = []
        last = None
        for s in self.saved:
            mark = (s.layer, s.call)
            if layers and mark == last:
                layers[-1] = (s.layer, layers[-1][1] + s.new_bytes)
            else:
                layers.append((s.layer, s.new_bytes))
            last = mark
        return layers


@dataclass
class Measurement:
    """What `measure` found: the call's output and the saved-tensor log."""

    output: Any
    log: SavedTensorLog = field(repr=False)

    @property
    def total(self) -> int:
        return self.log.total

    def by_layer(self) -> list[tuple[str, int]]:
        return self.log.by_layer()


def measure(
    fn: Callable,
    *args,
    params: Iterable[torch.Tensor] = (),
    model: nn.Module | None = None,
    **kwargs,
) -> Measurement:
    """Call `fn(*args, **kwargs)` and record what autograd saves for backward meanwhile.
    With `model`, the saves are named by layer. When `fn` is a module and `params` is not given,
    its parameters are left out."""
    if isinstance(fn, nn.Module):
        model = fn if model is None else model
        if params == ():
            params = fn.parameters()
    with SavedTensorLog(params=params, model=model) as log:
        output = fn(*args, **kwargs)
    return Measurement(output=output, log=log)


def saved_bytes(fn: Callable, *args, params: Iterable[torch.Tensor] = (), **kwargs) -> int:
    """The exact bytes autograd saves for backward during `fn(*args, **kwargs)`: the full size of
    every distinct storage a saved tensor uses, counted once, leaving out every storage shared
    with one of `params` (a module's own parameters when `fn` is a module). 0 under no_grad."""
    return measure(fn, *args, params=params, **kwargs).total


def saved_bytes_by_layer(
    model: nn.Module, *args, params: Iterable[torch.Tensor] | None = None, **kwargs
) -> list[tuple[str, int]]:
    """[(layer, bytes)] for `model(*args, **kwargs)`, in the order the layers ran; the bytes add
    up to `saved_bytes`. A layer is the innermost module whose forward was running (`conv1`), or
    the function a model's own forward called (`relu`). Parameters default to the model's."""
    params = model.parameters() if params is None else params
    return measure(model, *args, params=params, model=model, **kwargs).by_layer()


# --- CUDA ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CudaPeak:
    """Allocated bytes on one CUDA device around a call."""

    output: Any = field(repr=False)
    before: int  # allocated when the call began
    peak: int  # the most allocated at any moment during the call
    after: int  # allocated when it returned (its output included)

    @property
    def extra(self) -> int:
        """How far the peak rose above what was allocated before the call."""
        return self.peak - self.before


def cuda_peak(fn: Callable, *args, device=None, **kwargs) -> CudaPeak:
    """Call `fn(*args, **kwargs)` and measure the peak of allocated CUDA memory meanwhile
    (`torch.cuda.max_memory_allocated` after `torch.cuda.reset_peak_memory_stats`)."""
    if not torch.cuda.is_available():
        raise RuntimeError("cuda_peak needs CUDA: there is no GPU on this machine")
    device = torch.device("cuda", torch.cuda.current_device()) if device is None else device
    torch.cuda.synchronize(device)
    torch.cuda.reset_peak_memory_stats(device)
    before = torch.cuda.memory_allocated(device)
    output = fn(*args, **kwargs)
    torch.cuda.synchronize(device)
    return CudaPeak(
        output=output,
        before=before,
        peak=torch.cuda.max_memory_allocated(device),
        after=torch.cuda.memory_allocated(device),
    )


def cuda_peak_bytes(fn: Callable, *args, device=None, **kwargs) -> int:
    """The peak of allocated CUDA memory during `fn(*args, **kwargs)`, in bytes."""
    return cuda_peak(fn, *args, device=device, **kwargs).peak
