using Osprey.Torch;
using Osprey.Torch.Tracing;

namespace Osprey.Export.Onnx;

/// <summary>One recorded call being converted: its arguments read with ATen's schema defaults, its outputs bound.</summary>
/// <remarks>
/// With symbolic axes the model is traced again once per axis (<see cref="SizeSymbol"/>) and
/// <paramref name="variants"/>[v] is this call in the trace of <see cref="OnnxGraph.Variants"/>[v]. A number
/// argument that differs between the traces depends on the input's sizes: plain reads refuse it (naming the operator
/// and module), and the converters that can take it build it in the graph from the input's shape
/// (<see cref="IntsValue"/>, <see cref="OutShapeValue"/>). A constant whose shape differs only with the batch (an
/// embedding repeated per image) is written once and tiled to the batch.
/// </remarks>
sealed class OpContext(OnnxGraph graph, RecordedOp op, RecordedOp[] variants)
{
    public OnnxGraph Graph => graph;
    public RecordedOp Op => op;

    object? Raw(int i)
    {
        var v = RawOf(op, i);
        if (v is Torch.Tensor or Torch.Tensor[]) return v;
        for (int k = 0; k < variants.Length; k++)
            if (!SameValue(v, RawOf(variants[k], i)))
                throw Fail($"argument {i} ({op.Args[i]} vs {variants[k].Args[i]} when the input's {graph.Variants[k].Symbol.Name} changes) depends on the input's size; export with a fixed {graph.Variants[k].Symbol.Name}");
        return v;
    }

    static object? RawOf(RecordedOp call, int i) => i < call.Args.Length && call.Args[i].Value is var v and not Arg ? v : null;

    static long[]? AsInts(object? v) => v switch
    {
        long l => [l],
        long[] list => list,
        double d when d == Math.Floor(d) => [(long)d],
        _ => null,
    };

    /// <summary>Whether a number argument of <paramref name="call"/> differs in one of its variants.</summary>
    public static bool ArgsVary(RecordedOp call, RecordedOp[] variants)
    {
        for (int i = 0; i < call.Args.Length; i++)
        {
            var v = RawOf(call, i);
            if (v is Torch.Tensor or Torch.Tensor[]) continue;
            if (variants.Any(other => !SameValue(v, RawOf(other, i)))) return true;
        }
        return false;
    }

    /// <summary>An int list argument in every trace (the same list each time without symbolic axes).</summary>
    public (long[] First, long[][] Others) IntsVariants(int i)
    {
        var first = AsInts(RawOf(op, i)) ?? throw Fail($"argument {i} is not an int list");
        return (first, variants.Select(v => AsInts(RawOf(v, i)) ?? first).ToArray());
    }

    static bool SameValue(object? a, object? b) => (a, b) switch
    {
        (long[] x, long[] y) => x.SequenceEqual(y),
        (double[] x, double[] y) => x.SequenceEqual(y),
        (bool[] x, bool[] y) => x.SequenceEqual(y),
        _ => Equals(a, b),
    };

    /// <summary>An int list argument as an int64 vector value, size-dependent entries computed from the input.</summary>
    public string IntsValue(int i, long[] fallback) => IntsValueOf(call => AsInts(RawOf(call, i)) ?? fallback);

    /// <summary>Ints read from the call by <paramref name="read"/> in every trace, as an int64 vector value.</summary>
    public string IntsValueOf(Func<RecordedOp, long[]> read) => graph.IntsValue(read(op), variants.Select(read).ToArray());

    /// <summary>Number argument <paramref name="i"/> of <paramref name="call"/> as an int (for <see cref="IntsValueOf"/>).</summary>
    public long IntOf(RecordedOp call, int i, long fallback) => AsInts(RawOf(call, i)) is [var v] ? v : fallback;

    /// <summary>The output's shape as an int64 vector value (leading dimensions equal to input 0's copied as 0).</summary>
    public string OutShapeValue()
    {
        long[] Spec(long[] output, long[] input)
        {
            var spec = output.ToArray();
            for (int k = 0; k < Math.Min(output.Length, input.Length) && output[k] == input[k]; k++) spec[k] = 0;
            return spec;
        }
        var first = Spec(op.OutputShapes[0], ShapeOf(0));
        var others = variants.Select((v, k) => Spec(v.OutputShapes[0], graph.Variants[k].ShapeOf((Tensor)v.Args[0].Value!))).ToArray();
        if (others.Any(o => o.Length != first.Length)) throw Fail("the output rank depends on the input's size");
        for (int k = 0; k < first.Length; k++)
            if (others.Any(o => (o[k] == 0) != (first[k] == 0)))
            {
                first[k] = op.OutputShapes[0][k];
                for (int v = 0; v < others.Length; v++) others[v][k] = variants[v].OutputShapes[0][k];
            }
        return graph.IntsValue(first, others);
    }

    /// <summary>Whether tensor argument <paramref name="i"/> has another shape in one of the variant traces.</summary>
    public bool ShapeVaries(int i) =>
        variants.Select((v, k) => graph.Variants[k].ShapeOf((Tensor)RawOf(v, i)!)).Any(s => !s.SequenceEqual(ShapeOf(i)));

    public bool Has(int i) => Raw(i) != null;

    public Tensor Tensor(int i) => Raw(i) as Tensor ?? throw Fail($"argument {i} is not a tensor");

    public Tensor? OptionalTensor(int i) => Raw(i) as Tensor;

    public Tensor[] Tensors(int i) => Raw(i) as Tensor[] ?? throw Fail($"argument {i} is not a tensor list");

    /// <summary>The ONNX value of tensor argument <paramref name="i"/>.</summary>
    public string In(int i) => ValueOf(Tensor(i), variants.Select(v => RawOf(v, i) as Tensor).ToArray());

    /// <summary>The ONNX values of tensor-list argument <paramref name="i"/>.</summary>
    public string[] ListValues(int i)
    {
        var list = Tensors(i);
        var others = variants.Select(v => RawOf(v, i) as Tensor[]).ToArray();
        return list.Select((t, k) => ValueOf(t, others.Select(o => o?[k]).ToArray())).ToArray();
    }

    string ValueOf(Tensor t, Tensor?[] others) =>
        others.Length > 0 && !graph.IsComputed(t) && !graph.IsDynamic(t) ? graph.SizedConstant(t, others, this) : graph.Value(t);

    public long[] ShapeOf(int i) => graph.ShapeOf(Tensor(i));

    public long Rank(int i) => ShapeOf(i).Length;

    public DType TypeOf(int i) => graph.TypeOf(Tensor(i));

    public long Int(int i, long fallback) => Raw(i) switch
    {
        null => fallback,
        long l => l,
        bool b => b ? 1 : 0,
        double d when d == Math.Floor(d) => (long)d,
        var other => throw Fail($"argument {i} is {other}, expected an int"),
    };

    public long? OptionalInt(int i) => Raw(i) == null ? null : Int(i, 0);

    public double Double(int i, double fallback) => Raw(i) switch
    {
        null => fallback,
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        var other => throw Fail($"argument {i} is {other}, expected a number"),
    };

    public bool Bool(int i, bool fallback) => Raw(i) switch { null => fallback, bool b => b, long l => l != 0, var o => throw Fail($"argument {i} is {o}, expected a bool") };

    public string String(int i, string fallback) => Raw(i) as string ?? fallback;

    /// <summary>An int list argument (one int fills every position, as for int[2]).</summary>
    public long[] Ints(int i, long[] fallback, int fill = 0) => Raw(i) switch
    {
        null => fallback,
        long[] list when fill > 0 && list.Length == 1 => Enumerable.Repeat(list[0], fill).ToArray(),
        long[] list => list,
        long l when fill > 0 => Enumerable.Repeat(l, fill).ToArray(),
        long l => [l],
        var other => throw Fail($"argument {i} is {other}, expected an int list"),
    };

    public double[]? Doubles(int i) => Raw(i) as double[];

    public bool IsNumber(int i) => Raw(i) is long or double or bool;

    /// <summary>A dimension argument made non-negative for a tensor of rank <paramref name="rank"/>.</summary>
    public long Dim(int i, long rank, long fallback = 0)
    {
        var d = Int(i, fallback);
        return d < 0 ? d + rank : d;
    }

    public long[] OutShape(int k = 0) => op.OutputShapes[k];
    public DType OutType(int k = 0) => op.OutputTypes[k];

    /// <summary>Binds output <paramref name="k"/> of the call to ONNX value <paramref name="name"/>.</summary>
    public void Out(string name, int k = 0) => graph.Bind(op.Outputs[k], name, op.OutputShapes[k], op.OutputTypes[k]);

    /// <summary>A tensor argument or a number argument (as a scalar of <paramref name="dtype"/>).</summary>
    public string TensorOrScalar(int i, DType dtype) =>
        Raw(i) is Tensor t ? Cast(In(i), graph.TypeOf(t), dtype) : graph.Scalar(Double(i, 0), dtype);

    public string Cast(string value, DType from, DType to) =>
        from == to ? value : graph.Node1("Cast", [value], ("to", (long)graph.TypeCode(to)));

    public OnnxExportException Fail(string why) =>
        new($"ONNX export: {op.FullName} called by {graph.Recorder.PathOf(op.Module)}: {why}");
}
