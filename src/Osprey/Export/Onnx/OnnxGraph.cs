using Google.Protobuf;
using Osprey.Export.Onnx.Schema;
using Osprey.Torch;
using Osprey.Torch.Tracing;
using OnnxTensor = Osprey.Export.Onnx.Schema.TensorProto;

namespace Osprey.Export.Onnx;

/// <summary>
/// The ONNX graph being written from a trace: nodes, initializers and the name of each traced tensor. Tensors the
/// graph computes (from the input, or from the input's sizes) are named by the node that made them; a constant tensor
/// read by a node becomes an initializer (a parameter or buffer under its state-dict name, anything else folded to
/// its traced value). <paramref name="variants"/> are the second traces of the symbolic axes (<see cref="SizeSymbol"/>).
/// With <paramref name="half"/> every float32 value of the trace is written as float16 (weights, constants, casts,
/// the input and outputs), as ultralytics' half export converts the model and its input.
/// </summary>
sealed class OnnxGraph(OpRecorder recorder, IReadOnlyList<SizeVariant> variants, bool half = false)
{
    readonly Dictionary<string, string> sizeValues = [];
    readonly Dictionary<Tensor, string> names = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<Tensor, long[]> shapes = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<Tensor, DType> types = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<Tensor, string> initializerOf = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<string, string> intConstants = [];
    readonly HashSet<string> used = [];
    int counter;

    public GraphProto Proto { get; } = new() { Name = "osprey" };
    public OpRecorder Recorder => recorder;
    public IReadOnlyList<SizeVariant> Variants => variants;
    public bool Half => half;

    /// <summary>The ONNX element type of a traced dtype in this graph (float32 is float16 in a half graph).</summary>
    public int TypeCode(DType dtype) => OnnxType(half && dtype == DType.Float32 ? DType.Float16 : dtype);

    /// <summary>The input's size on <paramref name="symbol"/>'s axis as a one-element int64 vector.</summary>
    public string SizeValue(SizeSymbol symbol) => Cached("size_" + symbol.Name, () =>
        Node1("Slice", [Node1("Shape", [OnnxExport.InputName]), Ints(symbol.Axis), Ints(symbol.Axis + 1)]));

    /// <summary>(size - Base) / Step: how many steps the run's input is from the traced one on this axis.</summary>
    string StepsValue(SizeSymbol s) => Cached("steps_" + s.Name, () =>
    {
        var offset = s.Base == 0 ? SizeValue(s) : Node1("Sub", [SizeValue(s), Ints(s.Base)]);
        return s.Step == 1 ? offset : Node1("Div", [offset, Ints(s.Step)]);
    });

    string Cached(string key, Func<string> make)
    {
        if (!sizeValues.TryGetValue(key, out var value)) sizeValues[key] = value = make();
        return value;
    }

    /// <summary>
    /// An int64 vector that was <paramref name="first"/> in the first trace and <paramref name="others"/>[v] in the
    /// trace of <see cref="Variants"/>[v]: entries equal in every trace are constants, the others are computed from
    /// the input's sizes (<see cref="SizeSymbol"/>).
    /// </summary>
    public string IntsValue(long[] first, IReadOnlyList<long[]> others)
    {
        if (others.Any(o => o.Length != first.Length)) throw new OnnxExportException("ONNX export: an int list's length depends on the input's size");
        var pieces = new List<string>();
        var run = new List<long>();
        for (int k = 0; k < first.Length; k++)
        {
            var varying = Enumerable.Range(0, others.Count).Where(v => others[v][k] != first[k])
                                    .Select(v => (variants[v].Symbol, Second: others[v][k])).ToList();
            if (varying.Count == 0) { run.Add(first[k]); continue; }
            if (run.Count > 0) { pieces.Add(Ints([.. run])); run.Clear(); }
            pieces.Add(SizeEntry(first[k], varying));
        }
        if (run.Count > 0) pieces.Add(Ints([.. run]));
        return pieces.Count == 1 ? pieces[0] : Node1("Concat", pieces, ("axis", 0L));
    }

    /// <summary>The same int in every trace (no symbolic axis), or the batch/size-dependent entry computed.</summary>
    public string IntsValue(long[] values) => IntsValue(values, variants.Select(_ => values).ToArray());

    string SizeEntry(long first, List<(SizeSymbol Symbol, long Second)> varying)
    {
        if (varying.Count == 1)
        {
            var (s, second) = varying[0];
            long d = second - first;
            var scaled = d == 1 ? StepsValue(s) : Node1("Mul", [StepsValue(s), Ints(d)]);
            return first == 0 ? scaled : Node1("Add", [scaled, Ints(first)]);
        }
        foreach (var (s, second) in varying)
            if (second * s.Base != first * (s.Base + s.Step))
                throw new OnnxExportException($"ONNX export: a traced size ({first}) changes with {string.Join(" and ", varying.Select(v => v.Symbol.Name))} " +
                                              "but is neither affine in one of them nor proportional to their product; export with a fixed size");
        var product = Ints(first);
        long denominator = 1;
        foreach (var (s, _) in varying)
        {
            product = Node1("Mul", [product, SizeValue(s)]);
            denominator *= s.Base;
        }
        return Node1("Div", [product, Ints(denominator)]);
    }

    /// <summary>
    /// A constant that the traces made with different shapes (per image, as an embedding repeated over the batch): a
    /// batch axis of size a B is written as its first a entries and tiled B times; refused unless the constant is
    /// exactly that repetition, and refused when it changes with the height or width (no recorded call computes it).
    /// </summary>
    public string SizedConstant(Tensor t, IReadOnlyList<Tensor?> others, OpContext context)
    {
        var value = recorder.ConstantValue(t);
        int batchVariant = -1;
        for (int v = 0; v < others.Count; v++)
        {
            if (others[v] is not { } other || variants[v].Recorder.ConstantValue(other).Shape.SequenceEqual(value.Shape)) continue;
            if (variants[v].Symbol.Axis != 0)
                throw context.Fail($"a constant {value.Describe()} changes with the input's {variants[v].Symbol.Name} but no recorded call computes it; export with a fixed size");
            batchVariant = v;
        }
        if (batchVariant < 0) return Value(t);
        var batch = variants[batchVariant].Symbol;
        long[] s1 = value.Shape, s2 = variants[batchVariant].Recorder.ConstantValue(others[batchVariant]!).Shape;
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
            if (a <= 0 || s1[d] != a * batch.Base)
                throw context.Fail($"a constant's axis {d} has {s1[d]} and {s2[d]} entries at batch {batch.Base} and {batch.Base + 1}; export with a fixed batch");
            slice = slice.Narrow(d, 0, a);
            (repeats1[d], repeats2[d]) = (batch.Base, batch.Base + 1);
        }
        if (!slice.Repeat(repeats1).Equal(value))
            throw context.Fail($"a constant {value.Describe()} differs between the images of the batch; export with a fixed batch");
        var name = Fresh("batch_const");
        Proto.Initializer.Add(ToProto(slice, name));
        var repeats = variants.Select((_, v) => v == batchVariant ? repeats2 : repeats1).ToArray();
        return Node1("Tile", [name, IntsValue(repeats1, repeats)]);
    }

    /// <summary>Drops the nodes and initializers that no output needs (size-dependent constants nothing reads).</summary>
    public void Prune()
    {
        var needed = new HashSet<string>(Proto.Output.Select(o => o.Name));
        var kept = new List<NodeProto>();
        for (int k = Proto.Node.Count - 1; k >= 0; k--)
        {
            var node = Proto.Node[k];
            if (!node.Output.Any(needed.Contains)) continue;
            kept.Add(node);
            needed.UnionWith(node.Input.Where(i => i.Length > 0));
        }
        kept.Reverse();
        Proto.Node.Clear();
        Proto.Node.Add(kept);
        var initializers = Proto.Initializer.Where(i => needed.Contains(i.Name)).ToList();
        Proto.Initializer.Clear();
        Proto.Initializer.Add(initializers);
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

    /// <summary>Whether a node of the graph computes <paramref name="t"/> (it depends on the input or on its sizes).</summary>
    public bool IsComputed(Tensor t) => names.ContainsKey(t);

    /// <summary>The ONNX value holding <paramref name="t"/>: its node's output, or an initializer for a constant.</summary>
    public string Value(Tensor t)
    {
        if (names.TryGetValue(t, out var n)) return n;
        if (recorder.IsDynamic(t))
            throw new OnnxExportException($"tensor {t.Describe()} depends on the input but no recorded call made it");
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

    OnnxTensor ToProto(Tensor value, string name)
    {
        using var scope = TensorScope.Begin();
        var data = (half && value.DType == DType.Float32 ? value.To(DType.Float16) : value).Contiguous();
        var proto = new OnnxTensor { Name = name, DataType = OnnxType(data.DType) };
        proto.Dims.Add(data.Shape);
        proto.RawData = ByteString.CopyFrom(data.ToBytes());
        return proto;
    }
}
