namespace Osprey.Torch;

// Views and reshaping, joining and splitting, copies and conversions.
public sealed partial class Tensor
{
    static readonly Op setData = new("aten::set_data");
    static readonly Op view = new("aten::view"), reshape = new("aten::reshape"), permute = new("aten::permute");
    static readonly Op transpose = new("aten::transpose", "int"), flatten = new("aten::flatten", "using_ints");
    static readonly Op squeeze = new("aten::squeeze"), squeezeDim = new("aten::squeeze", "dim"), unsqueeze = new("aten::unsqueeze");
    static readonly Op expand = new("aten::expand"), expandAs = new("aten::expand_as"), contiguous = new("aten::contiguous");
    static readonly Op narrow = new("aten::narrow"), chunk = new("aten::chunk"), split = new("aten::split", "Tensor");
    static readonly Op splitSizes = new("aten::split_with_sizes"), unbind = new("aten::unbind", "int");
    static readonly Op cat = new("aten::cat"), stack = new("aten::stack"), select = new("aten::select", "int");
    static readonly Op slice = new("aten::slice", "Tensor"), repeat = new("aten::repeat"), flip = new("aten::flip");
    static readonly Op roll = new("aten::roll"), tril = new("aten::tril"), triu = new("aten::triu");
    static readonly Op meshgrid = new("aten::meshgrid", "indexing");
    static readonly Op clone = new("aten::clone"), detach = new("aten::detach"), toDtype = new("aten::to", "dtype");
    static readonly Op toDevice = new("aten::to", "device"), copyInPlace = new("aten::copy_"), fillInPlace = new("aten::fill_", "Scalar");
    static readonly Op zeroInPlace = new("aten::zero_"), uniformInPlace = new("aten::uniform_"), normalInPlace = new("aten::normal_");

    public Tensor View(params long[] shape) => view.Tensor(this, shape);
    public Tensor Reshape(params long[] shape) => reshape.Tensor(this, shape);
    public Tensor Permute(params long[] dims) => permute.Tensor(this, dims);
    public Tensor Transpose(long dim0, long dim1) => transpose.Tensor(this, dim0, dim1);
    /// <summary>Matrix transpose of a 2-D tensor (Tensor.T / .t()).</summary>
    public Tensor T => Transpose(0, 1);
    public Tensor Flatten(long startDim = 0, long endDim = -1) => flatten.Tensor(this, startDim, endDim);
    public Tensor Squeeze() => squeeze.Tensor(this);
    public Tensor Squeeze(long dim) => squeezeDim.Tensor(this, dim);
    public Tensor Unsqueeze(long dim) => unsqueeze.Tensor(this, dim);
    public Tensor Expand(params long[] shape) => expand.Tensor(this, shape);
    public Tensor ExpandAs(Tensor other) => expandAs.Tensor(this, other);
    public Tensor Contiguous() => contiguous.Tensor(this);
    /// <summary>This tensor laid out in <paramref name="format"/> (itself, as a new handle, when it already is).</summary>
    public Tensor Contiguous(MemoryFormat format) => contiguous.Tensor(this, (long)format);
    /// <summary>Whether the elements lie densely in <paramref name="format"/>'s order (dimensions of size 1 may have any
    /// stride, as in c10's contiguity check). ChannelsLast applies to 4-D tensors only.</summary>
    public bool IsContiguous(MemoryFormat format)
    {
        var (shape, strides) = (Shape, Strides);
        int[] order = format switch
        {
            MemoryFormat.Contiguous => Enumerable.Range(0, shape.Length).Reverse().ToArray(),
            MemoryFormat.ChannelsLast when shape.Length == 4 => [1, 3, 2, 0],
            MemoryFormat.ChannelsLast => [],
            _ => throw new ArgumentException($"IsContiguous: {format} is not a layout to test for"),
        };
        if (order.Length != shape.Length) return false;
        long expected = 1;
        foreach (var d in order)
        {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }
    public Tensor Narrow(long dim, long start, long length) => narrow.Tensor(this, dim, start, length);
    public Tensor Select(long dim, long index) => select.Tensor(this, dim, index);
    /// <summary>Elements start, start+step, ... below end along dim (Python's x[start:end:step]).</summary>
    public Tensor Slice(long dim, long? start, long? end, long step = 1) => slice.Tensor(this, dim, start, end, step);
    public Tensor[] Chunk(long chunks, long dim = 0) => chunk.Tensors(this, chunks, dim);
    public Tensor[] Split(long size, long dim = 0) => split.Tensors(this, size, dim);
    public Tensor[] Split(long[] sizes, long dim = 0) => splitSizes.Tensors(this, sizes, dim);
    public Tensor[] Unbind(long dim = 0) => unbind.Tensors(this, dim);
    public Tensor Repeat(params long[] repeats) => repeat.Tensor(this, repeats);
    public Tensor Flip(params long[] dims) => flip.Tensor(this, dims);
    public Tensor Roll(long[] shifts, long[] dims) => roll.Tensor(this, shifts, dims);
    public Tensor Tril(long diagonal = 0) => tril.Tensor(this, diagonal);
    public Tensor Triu(long diagonal = 0) => triu.Tensor(this, diagonal);

    public static Tensor Cat(Tensor[] tensors, long dim = 0) => cat.Tensor(tensors, dim);
    public static Tensor Stack(Tensor[] tensors, long dim = 0) => stack.Tensor(tensors, dim);
    /// <summary>torch.meshgrid with indexing "ij" or "xy".</summary>
    public static Tensor[] Meshgrid(Tensor[] tensors, string indexing = "ij") => meshgrid.Tensors(tensors, indexing);

    public Tensor Clone() => clone.Tensor(this);
    /// <summary>A view that shares storage but not the autograd graph.</summary>
    public Tensor Detach() => detach.Tensor(this);
    public Tensor To(DType dtype, bool copy = false) => toDtype.Tensor(this, dtype, false, copy);
    public Tensor To(Device device, DType? dtype = null) => toDevice.Tensor(this, device, dtype ?? DType, false, false);
    public Tensor Float() => To(DType.Float32);

    /// <summary>Makes this tensor hold <paramref name="data"/>'s storage, dtype and shape (PyTorch's
    /// <c>t.data = data</c>), so every holder of this handle sees the new values; autograd history is not kept.</summary>
    public void SetData(Tensor data) => setData.Call(this, data);
    public Tensor Double() => To(DType.Float64);
    public Tensor Long() => To(DType.Int64);
    public Tensor Int() => To(DType.Int32);
    public Tensor Bool() => To(DType.Bool);

    public Tensor CopyFrom(Tensor source) => copyInPlace.InPlace(this, source);
    public Tensor FillInPlace(double value) => fillInPlace.InPlace(this, value);
    public Tensor ZeroInPlace() => zeroInPlace.InPlace(this);
    public Tensor UniformInPlace(double from = 0, double to = 1) => uniformInPlace.InPlace(this, from, to);
    public Tensor NormalInPlace(double mean = 0, double std = 1) => normalInPlace.InPlace(this, mean, std);
}
