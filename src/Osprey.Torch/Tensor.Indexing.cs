namespace Osprey.Torch;

// Python-style indexing (x[0, 1:3, ..., mask]) and the gather/scatter family.
public sealed partial class Tensor
{
    static readonly Op index = new("aten::index", "Tensor"), indexPutInPlace = new("aten::index_put_");
    static readonly Op gather = new("aten::gather"), scatterSrc = new("aten::scatter", "src");
    static readonly Op scatterValue = new("aten::scatter", "value"), scatterAdd = new("aten::scatter_add");
    static readonly Op scatterReduce = new("aten::scatter_reduce", "two"), indexSelect = new("aten::index_select");
    static readonly Op maskedFill = new("aten::masked_fill", "Scalar"), maskedFillTensor = new("aten::masked_fill", "Tensor");
    static readonly Op maskedFillInPlace = new("aten::masked_fill_", "Scalar"), maskedSelect = new("aten::masked_select");
    static readonly Op nonzero = new("aten::nonzero"), oneHot = new("aten::one_hot");

    /// <summary>x[indices] as in Python; assigning copies (with broadcasting) into the indexed elements.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[params TensorIndex[] indices]
    {
        get => Index(indices);
        set => IndexPut(indices, value);
    }

    public Tensor Index(params TensorIndex[] indices)
    {
        var (basic, advanced) = ApplyBasic(indices);
        if (advanced == null) return basic;
        try
        {
            return index.Tensor(basic, Arg.OptionalTensors(advanced));
        }
        finally
        {
            basic.Dispose();
        }
    }

    /// <summary>x[indices] = value (in place).</summary>
    public Tensor IndexPut(TensorIndex[] indices, Tensor value)
    {
        var (basic, advanced) = ApplyBasic(indices);
        try
        {
            if (advanced == null) basic.CopyFrom(value);
            else indexPutInPlace.InPlace(basic, Arg.OptionalTensors(advanced), value, false);
        }
        finally
        {
            basic.Dispose();
        }
        return this;
    }

    /// <summary>x[indices] = value (in place).</summary>
    public Tensor IndexPut(TensorIndex[] indices, double value)
    {
        using var filler = Scalar(value).To(DType).DetachFromScope();
        return IndexPut(indices, filler);
    }

    /// <summary>
    /// torch.Tensor.index_put_: writes <paramref name="values"/> at the advanced indices (null entries take
    /// the whole dimension); with <paramref name="accumulate"/>, adds instead, summing repeated indices.
    /// </summary>
    public Tensor IndexPutInPlace(Tensor?[] indices, Tensor values, bool accumulate = false) =>
        indexPutInPlace.InPlace(this, Arg.OptionalTensors(indices), values, accumulate);

    // Applies ints, slices, ellipsis and new axes as views; returns the view (a new handle) and,
    // when tensors appear, the Tensor?[] list for aten::index aligned with the view's dimensions.
    (Tensor View, Tensor?[]? Advanced) ApplyBasic(TensorIndex[] indices)
    {
        long rank = Dim;
        int consumed = indices.Count(i => i.ConsumesDim);
        if (indices.Count(i => i.Type == TensorIndex.Kind.Ellipsis) > 1)
            throw new TorchException("an index can only have a single ellipsis");
        if (consumed > rank)
            throw new TorchException($"too many indices for {Describe()}: {consumed} given");
        var view = Alias();
        var advanced = new List<Tensor?>();
        bool anyTensor = false;
        long dim = 0;
        foreach (var i in indices)
        {
            Tensor next;
            switch (i.Type)
            {
                case TensorIndex.Kind.Int:
                    next = view.Select(dim, i.Value);
                    break;
                case TensorIndex.Kind.Slice:
                    next = view.Slice(dim, i.Start, i.Stop, i.Step);
                    advanced.Add(null);
                    dim++;
                    break;
                case TensorIndex.Kind.NewAxis:
                    next = view.Unsqueeze(dim);
                    advanced.Add(null);
                    dim++;
                    break;
                case TensorIndex.Kind.Ellipsis:
                    for (long k = 0; k < rank - consumed; k++) advanced.Add(null);
                    dim += rank - consumed;
                    continue;
                default:
                    advanced.Add(i.Index);
                    anyTensor = true;
                    dim += i.Index!.DType == DType.Bool || i.Index.DType == DType.UInt8 ? Math.Max(1, i.Index.Dim) : 1;
                    continue;
            }
            view.Dispose();
            view = next;
        }
        return (view, anyTensor ? advanced.ToArray() : null);
    }

    public Tensor Gather(long dim, Tensor index) => gather.Tensor(this, dim, index);
    public Tensor Scatter(long dim, Tensor index, Tensor source) => scatterSrc.Tensor(this, dim, index, source);
    public Tensor Scatter(long dim, Tensor index, double value) => scatterValue.Tensor(this, dim, index, value);
    public Tensor ScatterAdd(long dim, Tensor index, Tensor source) => scatterAdd.Tensor(this, dim, index, source);
    /// <summary>torch.scatter_reduce with reduce "sum", "prod", "mean", "amax" or "amin".</summary>
    public Tensor ScatterReduce(long dim, Tensor index, Tensor source, string reduce, bool includeSelf = true) =>
        scatterReduce.Tensor(this, dim, index, source, reduce, includeSelf);
    public Tensor IndexSelect(long dim, Tensor index) => indexSelect.Tensor(this, dim, index);
    public Tensor MaskedFill(Tensor mask, double value) => maskedFill.Tensor(this, mask, value);
    public Tensor MaskedFill(Tensor mask, Tensor value) => maskedFillTensor.Tensor(this, mask, value);
    public Tensor MaskedFillInPlace(Tensor mask, double value) => maskedFillInPlace.InPlace(this, mask, value);
    public Tensor MaskedSelect(Tensor mask) => maskedSelect.Tensor(this, mask);
    /// <summary>Indices of non-zero elements, one row each (N x rank, int64).</summary>
    public Tensor Nonzero() => nonzero.Tensor(this);
    /// <summary>One-hot encoding of an int64 tensor (numClasses -1 infers max + 1).</summary>
    public Tensor OneHot(long numClasses = -1) => oneHot.Tensor(this, numClasses);
}
