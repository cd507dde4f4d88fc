namespace Osprey.Torch.Serialization;

/// <summary>
/// The tensor-rebuilding functions torch.save pickles name (torch._utils._rebuild_tensor_v2, ...),
/// implemented over the storages of the archive being loaded. Every tensor is a view of its storage
/// (as in PyTorch, tensors that shared a storage when saved share it again).
/// </summary>
internal sealed class TorchRebuild(Func<TorchStorage, Tensor> storageData)
{
    static readonly Op asStrided = new("aten::as_strided");

    /// <summary>Every tensor made while loading, in order; the loader hands them to the caller.</summary>
    public List<Tensor> Created { get; } = [];

    /// <summary>_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata]).</summary>
    public object? RebuildTensorV2(object?[] args)
    {
        if (args.Length is not (6 or 7)) throw new InvalidDataException($"expected 6 or 7 arguments, got {args.Length}");
        var tensor = View(args);
        if (args[4] is not bool requiresGrad) throw new InvalidDataException($"requires_grad must be a bool, got {Containers.Describe(args[4])}");
        CheckNoHooks(args[5]);
        if (args.Length == 7 && args[6] is not (null or PickleDict { Count: 0 }))
            throw new InvalidDataException("tensor metadata (conjugate / negative bits) is not supported");
        if (requiresGrad) SetRequiresGrad(tensor);
        return tensor;
    }

    /// <summary>The older _rebuild_tensor(storage, offset, size, stride).</summary>
    public object? RebuildTensor(object?[] args)
    {
        if (args.Length != 4) throw new InvalidDataException($"expected 4 arguments, got {args.Length}");
        return View(args);
    }

    /// <summary>_rebuild_parameter(data, requires_grad, backward_hooks[, state]): the tensor, marked as requiring grad.</summary>
    public object? RebuildParameter(object?[] args)
    {
        if (args.Length is not (3 or 4) || args[0] is not Tensor data || args[1] is not bool requiresGrad)
            throw new InvalidDataException("expected (tensor, requires_grad, backward_hooks[, state])");
        CheckNoHooks(args[2]);
        if (requiresGrad) SetRequiresGrad(data);
        return data;
    }

    /// <summary>_rebuild_from_type_v2(func, type, args, state): a tensor subclass; we keep the plain tensor func builds.</summary>
    public object? RebuildFromType(object?[] args)
    {
        if (args is not [PickleFunction func, PickledGlobal, object?[] funcArgs, ..] || args.Length != 4)
            throw new InvalidDataException("expected (known rebuild function, tensor type, arguments, state)");
        return func.Invoke(funcArgs) as Tensor ?? throw new InvalidDataException($"{func.FullName} did not build a tensor");
    }

    Tensor View(object?[] args)
    {
        if (args[0] is not TorchStorage storage) throw new InvalidDataException($"argument 0 must be a storage, got {Containers.Describe(args[0])}");
        if (args[1] is not long offset || offset < 0) throw new InvalidDataException($"storage offset must be a non-negative int, got {Containers.Describe(args[1])}");
        var size = Longs(args[2], "size");
        var stride = Longs(args[3], "stride");
        if (size.Length != stride.Length)
            throw new InvalidDataException($"size has {size.Length} dimensions but stride has {stride.Length}");
        CheckInside(storage, offset, size, stride);
        var tensor = asStrided.Tensor(storageData(storage), size, stride, offset);
        Created.Add(tensor);
        return tensor;
    }

    /// <summary>
    /// Every size and stride must be non-negative (all of them: a zero size does not excuse a later negative one),
    /// the element count must fit in 64 bits, and the last element the view reaches must lie inside the storage.
    /// Checked before any tensor is made; overflow counts as outside.
    /// </summary>
    static void CheckInside(TorchStorage storage, long offset, long[] size, long[] stride)
    {
        string View() => $"view of storage '{storage.Key}' (offset {offset}, size [{string.Join(", ", size)}], stride [{string.Join(", ", stride)}])";
        for (int d = 0; d < size.Length; d++)
            if (size[d] < 0 || stride[d] < 0)
                throw new InvalidDataException($"{View()}: dimension {d} has a negative {(size[d] < 0 ? "size" : "stride")}");
        if (size.Contains(0))
        {
            if (offset > storage.Numel)
                throw new InvalidDataException($"{View()}: offset {offset} is past the end of the storage, which has {storage.Numel} elements");
            return;
        }
        try
        {
            long numel = 1, last = offset;
            for (int d = 0; d < size.Length; d++)
            {
                numel = checked(numel * size[d]);
                last = checked(last + (size[d] - 1) * stride[d]);
            }
            if (last >= storage.Numel)
                throw new InvalidDataException($"{View()} reaches element {last} of storage '{storage.Key}', which has {storage.Numel}");
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{View()}: the element count or extent overflows 64 bits");
        }
    }

    static void SetRequiresGrad(Tensor tensor)
    {
        if (tensor.DType.IsFloatingPoint()) tensor.RequiresGrad = true;
    }

    static void CheckNoHooks(object? hooks)
    {
        if (hooks is not (null or PickleDict { Count: 0 }))
            throw new InvalidDataException("backward hooks are not supported (they would be code)");
    }

    static long[] Longs(object? value, string what) => value switch
    {
        object?[] tuple => tuple.Select(v => v is long l ? l : throw new InvalidDataException($"{what} holds {Containers.Describe(v)}, not an int")).ToArray(),
        long[] dims => dims,
        _ => throw new InvalidDataException($"{what} must be a tuple of ints, got {Containers.Describe(value)}"),
    };
}
