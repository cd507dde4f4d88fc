using Google.Protobuf;
using Osprey.Export.Onnx.Schema;
using Osprey.Torch;
using Osprey.Torch.Tracing;
using OnnxTensor = Osprey.Export.Onnx.Schema.TensorProto;

namespace Osprey.Export.Onnx;

/// <summary>
/// The ONNX graph being written from a trace: nodes, initializers and the name of each traced tensor. Dynamic
/// tensors are named by the node that made them; a constant tensor read by a node becomes an initializer (a
/// parameter or buffer under its state-dict name, anything else folded to its traced value).
/// </summary>
sealed class OnnxGraph(OpRecorder recorder, OpRecorder? twin = null, long batch1 = 0)
{
    readonly Dictionary<Tensor, long[]> twinShapes = new(ReferenceEqualityComparer.Instance);
    string? batchValue;
    readonly Dictionary<Tensor, string> names = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<Tensor, long[]> shapes = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<Tensor, DType> types = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<Tensor, string> initializerOf = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<string, string> intConstants = [];
    readonly HashSet<string> used = [];
    int counter;

    public GraphProto Proto { get; } = new() { Name = "osprey" };
    public OpRecorder Recorder => recorder;
    /// <summary>The batch of the first trace (the second traced B + 1) when the batch is dynamic.</summary>
    public long Batch1 => batch1;

    public void BindTwin(Tensor t, long[] shape) => twinShapes[t] = shape;

    public long[] TwinShapeOf(Tensor t) =>
        twinShapes.TryGetValue(t, out var s) ? s : twin!.ConstantValue(t).Shape;

    /// <summary>The input's batch as a one-element int64 vector.</summary>
    string BatchValue() =>
        batchValue ??= Node1("Slice", [Node1("Shape", [OnnxExport.InputName]), Ints(0), Ints(1)]);

    /// <summary>
    /// An int64 vector whose entries were <paramref name="first"/> at batch B and <paramref name="second"/> at B + 1:
    /// equal entries are constants, the others a N + b with a = second - first.
    /// </summary>
    public string IntsValue(long[] first, long[] second)
    {
        if (first.Length != second.Length) throw new OnnxExportException("ONNX export: an int list's length depends on the batch size");
        if (first.SequenceEqual(second)) return Ints(first);
        var pieces = new List<string>();
        var run = new List<long>();
        for (int k = 0; k < first.Length; k++)
        {
            if (first[k] == second[k]) { run.Add(first[k]); continue; }
            if (run.Count > 0) { pieces.Add(Ints([.. run])); run.Clear(); }
            long a = second[k] - first[k], b = first[k] - a * batch1;
            var scaled = a == 1 ? BatchValue() : Node1("Mul", [BatchValue(), Ints(a)]);
            pieces.Add(b == 0 ? scaled : Node1("Add", [scaled, Ints(b)]));
        }
        if (run.Count > 0) pieces.Add(Ints([.. run]));
        return pieces.Count == 1 ? pieces[0] : Node1("Concat", pieces, ("axis", 0L));
    }

    /// <summary>
    /// A constant that the two traces made with different shapes (per image, as a positional encoding or queries
    /// repeated over the batch): a batch-dependent axis of size a B is written as its first a entries and tiled B
    /// times; refused unless the constant is exactly that repetition.
    /// </summary>
    public string BatchConstant(Tensor t, Tensor second, OpContext context)
    {
        var value = recorder.ConstantValue(t);
        var other = twin!.ConstantValue(second);
        long[] s1 = value.Shape, s2 = other.Shape;
        if (s1.SequenceEqual(s2)) return Value(t);
        if (s1.Length != s2.Length) throw context.Fail("a constant's rank depends on the batch size");
        using var scope = TensorScope.Begin();
        var slice = value;
        var repeats1 = new long[s1.Length];
        var repeats2 = new long[s1.Length];
        for (int d = 0; d < s1.Length; d++)
        {
            repeats1[d] = repeats2[d] = 1;
            if (s1[d] == s2[d]) continue;
            long a = s2[d] - s1[d];
            if (a <= 0 || s1[d] != a * batch1)
                throw context.Fail($"a constant's axis {d} has {s1[d]} and {s2[d]} entries at batch {batch1} and {batch1 + 1}; export with a fixed batch");
            slice = slice.Narrow(d, 0, a);
            (repeats1[d], repeats2[d]) = (batch1, batch1 + 1);
        }
        if (!slice.Repeat(repeats1).Equal(value))
            throw context.Fail($"a constant {value.Describe()} differs between the images of the batch; export with a fixed batch");
        var name = Fresh("batch_const");
        Proto.Initializer.Add(ToProto(slice, name));
        return Node1("Tile", [name, IntsValue(repeats1, repeats2)]);
    }

    /// <summary>A fresh value name.</summary>
    public string Fresh(string hint)
    {
        string name;
        do name = $"{hint}_{counter++}"; while (!used.Add(name));
        return name;
    }

    /// <summary>Binds a traced tensor to the ONNX value <paramref name="name"/> (the latest binding wins: in-place calls).</summary>
    public void Bind(Tensor t, string name, long[] shape, DType dtype)
    {
        names[t] = name;
        shapes[t] = shape;
        types[t] = dtype;
    }

    public long[] ShapeOf(Tensor t) =>
        shapes.TryGetValue(t, out var s) ? s : recorder.ConstantValue(t).Shape;

    public DType TypeOf(Tensor t) =>
        types.TryGetValue(t, out var d) ? d : recorder.ConstantValue(t).DType;

    public bool IsDynamic(Tensor t) => recorder.IsDynamic(t);

    /// <summary>The ONNX value holding <paramref name="t"/>: its node's output, or an initializer for a constant.</summary>
    public string Value(Tensor t)
    {
        if (recorder.IsDynamic(t))
            return names.TryGetValue(t, out var n) ? n
                : throw new OnnxExportException($"tensor {t.Describe()} depends on the input but no recorded call made it");
        if (initializerOf.TryGetValue(t, out var existing)) return existing;
        var value = recorder.ConstantValue(t);
        if (initializerOf.TryGetValue(value, out existing)) return initializerOf[t] = existing;
        var name = recorder.NameOf(t) is { } stateName && used.Add(stateName) ? stateName : Fresh("const");
        Proto.Initializer.Add(ToProto(value, name));
        initializerOf[value] = name;
        return initializerOf[t] = name;
    }

    /// <summary>An int64 vector constant (shapes, axes, pads), shared between nodes.</summary>
    public string Ints(params long[] values)
    {
        var key = string.Join(",", values);
        if (intConstants.TryGetValue(key, out var name)) return name;
        name = Fresh("ints");
        var proto = new OnnxTensor { Name = name, DataType = (int)OnnxTensor.Types.DataType.Int64 };
        proto.Dims.Add(values.Length);
        proto.Int64Data.Add(values);
        Proto.Initializer.Add(proto);
        return intConstants[key] = name;
    }

    /// <summary>A scalar constant of <paramref name="dtype"/> (a number argument of an ATen call).</summary>
    public string Scalar(double value, DType dtype)
    {
        var name = Fresh("scalar");
        using var scope = TensorScope.Begin();
        using var t = Tensor.Scalar(value).To(dtype);
        Proto.Initializer.Add(ToProto(t, name));
        return name;
    }

    /// <summary>Adds one node; returns its outputs' names.</summary>
    public string[] Node(string opType, IEnumerable<string> inputs, int outputs = 1, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Fresh(opType) };
        node.Input.Add(inputs);
        var outs = Enumerable.Range(0, outputs).Select(_ => Fresh(opType.ToLowerInvariant())).ToArray();
        node.Output.Add(outs);
        foreach (var (name, value) in attributes) node.Attribute.Add(Attribute(name, value));
        Proto.Node.Add(node);
        return outs;
    }

    /// <summary>Adds a one-output node.</summary>
    public string Node1(string opType, IEnumerable<string> inputs, params (string Name, object Value)[] attributes) =>
        Node(opType, inputs, 1, attributes)[0];

    static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case long i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
            case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
            case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
            case double d: a.Type = AttributeProto.Types.AttributeType.Float; a.F = (float)d; break;
            case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
            case long[] ints: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.Add(ints); break;
            case float[] floats: a.Type = AttributeProto.Types.AttributeType.Floats; a.Floats.Add(floats); break;
            default: throw new ArgumentException($"attribute {name}: unsupported value {value}");
        }
        return a;
    }

    public static int OnnxType(DType dtype) => (int)(dtype switch
    {
        DType.Float32 => OnnxTensor.Types.DataType.Float,
        DType.Float64 => OnnxTensor.Types.DataType.Double,
        DType.Float16 => OnnxTensor.Types.DataType.Float16,
        DType.Int64 => OnnxTensor.Types.DataType.Int64,
        DType.Int32 => OnnxTensor.Types.DataType.Int32,
        DType.Int16 => OnnxTensor.Types.DataType.Int16,
        DType.Int8 => OnnxTensor.Types.DataType.Int8,
        DType.UInt8 => OnnxTensor.Types.DataType.Uint8,
        DType.Bool => OnnxTensor.Types.DataType.Bool,
        _ => throw new OnnxExportException($"ONNX export: dtype {dtype.Name()} has no ONNX type here"),
    });

    static OnnxTensor ToProto(Tensor value, string name)
    {
        using var scope = TensorScope.Begin();
        var data = value.Contiguous();
        var proto = new OnnxTensor { Name = name, DataType = OnnxType(data.DType) };
        proto.Dims.Add(data.Shape);
        proto.RawData = ByteString.CopyFrom(data.ToBytes());
        return proto;
    }
}
