using Osprey.Torch;
using Osprey.Torch.Tracing;

namespace Osprey.Export.Onnx;

/// <summary>One recorded call being converted: its arguments read with ATen's schema defaults, its outputs bound.</summary>
sealed class OpContext(OnnxGraph graph, RecordedOp op)
{
    public OnnxGraph Graph => graph;
    public RecordedOp Op => op;

    object? Raw(int i) => i < op.Args.Length && op.Args[i].Value is var v and not Arg ? v : null;

    public bool Has(int i) => Raw(i) != null;

    public Tensor Tensor(int i) => Raw(i) as Tensor ?? throw Fail($"argument {i} is not a tensor");

    public Tensor? OptionalTensor(int i) => Raw(i) as Tensor;

    public Tensor[] Tensors(int i) => Raw(i) as Tensor[] ?? throw Fail($"argument {i} is not a tensor list");

    /// <summary>The ONNX value of tensor argument <paramref name="i"/>.</summary>
    public string In(int i) => graph.Value(Tensor(i));

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
        Raw(i) is Tensor t ? Cast(graph.Value(t), graph.TypeOf(t), dtype) : graph.Scalar(Double(i, 0), dtype);

    public string Cast(string value, DType from, DType to) =>
        from == to ? value : graph.Node1("Cast", [value], ("to", (long)OnnxGraph.OnnxType(to)));

    public OnnxExportException Fail(string why) =>
        new($"ONNX export: {op.FullName} called by {graph.Recorder.PathOf(op.Module)}: {why}");
}
