using Osprey.Torch;

namespace Osprey.Export.Onnx;

static partial class AtenSymbolics
{
    static void AddNeuralNet(Dictionary<string, Action<OpContext>> map)
    {
        map["conv2d"] = Conv;
        map["conv_transpose2d"] = ConvTranspose;
        map["linear"] = Linear;
        map["matmul"] = map["mm"] = map["bmm"] = c => c.Out(c.Graph.Node1("MatMul", [c.In(0), c.In(1)]));
        map["baddbmm"] = map["addmm"] = c =>
        {
            var t = c.OutType();
            var product = Scaled(c, c.Graph.Node1("MatMul", [c.In(1), c.In(2)]), c.Double(4, 1), t);
            c.Out(c.Graph.Node1("Add", [Scaled(c, c.In(0), c.Double(3, 1), t), product]));
        };
        map["einsum"] = c => c.Out(c.Graph.Node1("Einsum", c.ListValues(1), ("equation", c.String(0, ""))));
        map["batch_norm"] = BatchNorm;
        map["layer_norm"] = LayerNorm;
        map["softmax"] = c => c.Out(c.Graph.Node1("Softmax", [c.In(0)], ("axis", c.Dim(1, c.Rank(0)))));
        map["log_softmax"] = c => c.Out(c.Graph.Node1("LogSoftmax", [c.In(0)], ("axis", c.Dim(1, c.Rank(0)))));
        map["dropout"] = map["feature_dropout"] = c =>
        {
            if (c.Bool(2, true)) throw c.Fail("dropout in training mode (export runs the model in eval mode)");
            c.Out(c.In(0));
        };
        map["max_pool2d"] = MaxPool;
        map["avg_pool2d"] = AvgPool;
        map["adaptive_avg_pool2d"] = AdaptiveAvgPool;
        map["upsample_nearest2d"] = c => Resize(c, "nearest", scalesArg: 2, alignCorners: false);
        map["upsample_bilinear2d"] = c => Resize(c, "linear", scalesArg: 3, alignCorners: c.Bool(2, false));
        map["embedding"] = c => c.Out(c.Graph.Node1("Gather", [c.In(0), c.In(1)], ("axis", 0L)));
    }

    static void Conv(OpContext c)
    {
        var weight = c.ShapeOf(1);
        var kernel = weight[2..];
        var stride = c.Ints(3, [1, 1], 2);
        var dilation = c.Ints(5, [1, 1], 2);
        long[] pads;
        if (c.Op.Overload == "padding")
        {
            var mode = c.String(4, "valid");
            if (mode == "valid") pads = [0, 0, 0, 0];
            else
            {
                // 'same' (stride 1): total d (k - 1), the odd pixel after, as torch pads it.
                long th = dilation[0] * (kernel[0] - 1), tw = dilation[1] * (kernel[1] - 1);
                pads = [th / 2, tw / 2, th - th / 2, tw - tw / 2];
            }
        }
        else
        {
            var p = c.Ints(4, [0, 0], 2);
            pads = [p[0], p[1], p[0], p[1]];
        }
        var inputs = new List<string> { c.In(0), c.In(1) };
        if (c.OptionalTensor(2) != null) inputs.Add(c.In(2));
        c.Out(c.Graph.Node1("Conv", inputs, ("kernel_shape", kernel), ("strides", stride), ("pads", pads),
                            ("dilations", dilation), ("group", c.Int(6, 1))));
    }

    static void ConvTranspose(OpContext c)
    {
        var kernel = c.ShapeOf(1)[2..];
        var p = c.Ints(4, [0, 0], 2);
        var inputs = new List<string> { c.In(0), c.In(1) };
        if (c.OptionalTensor(2) != null) inputs.Add(c.In(2));
        c.Out(c.Graph.Node1("ConvTranspose", inputs, ("kernel_shape", kernel), ("strides", c.Ints(3, [1, 1], 2)),
                            ("pads", new[] { p[0], p[1], p[0], p[1] }), ("output_padding", c.Ints(5, [0, 0], 2)),
                            ("group", c.Int(6, 1)), ("dilations", c.Ints(7, [1, 1], 2))));
    }

    /// <summary>y = x W^T + b: Gemm for a matrix input, MatMul with the transposed weight otherwise.</summary>
    static void Linear(OpContext c)
    {
        var g = c.Graph;
        bool hasBias = c.OptionalTensor(2) != null;
        if (c.Rank(0) == 2)
        {
            var inputs = new List<string> { c.In(0), c.In(1) };
            if (hasBias) inputs.Add(c.In(2));
            c.Out(g.Node1("Gemm", inputs, ("transB", 1L)));
            return;
        }
        var product = g.Node1("MatMul", [c.In(0), g.Node1("Transpose", [c.In(1)], ("perm", new long[] { 1, 0 }))]);
        c.Out(hasBias ? g.Node1("Add", [product, c.In(2)]) : product);
    }

    /// <summary>batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps) in eval mode.</summary>
    static void BatchNorm(OpContext c)
    {
        if (c.Bool(5, false)) throw c.Fail("batch_norm in training mode (export runs the model in eval mode)");
        var g = c.Graph;
        long channels = c.ShapeOf(0)[1];
        var t = c.TypeOf(0);
        string Filled(int i, double value) =>
            c.OptionalTensor(i) != null ? c.In(i) : ConstantVector(g, channels, value, t);
        c.Out(g.Node1("BatchNormalization", [c.In(0), Filled(1, 1), Filled(2, 0), Filled(3, 0), Filled(4, 1)],
                      ("epsilon", (float)c.Double(7, 1e-5))));
    }

    static void LayerNorm(OpContext c)
    {
        var g = c.Graph;
        var normalized = c.Ints(1, []);
        long size = normalized.Aggregate(1L, (a, b) => a * b);
        var t = c.TypeOf(0);
        string scale = c.OptionalTensor(2) != null ? c.In(2) : ConstantVector(g, size, 1, t);
        var inputs = new List<string> { c.In(0), scale };
        if (c.OptionalTensor(3) != null) inputs.Add(c.In(3));
        c.Out(g.Node1("LayerNormalization", inputs, ("axis", (long)-normalized.Length), ("epsilon", (float)c.Double(4, 1e-5))));
    }

    static string ConstantVector(OnnxGraph g, long n, double value, DType t) =>
        g.Node1("Expand", [g.Scalar(value, t), g.Ints(n)]);

    static void MaxPool(OpContext c)
    {
        var kernel = c.Ints(1, [], 2);
        var stride = c.Ints(2, kernel, 2);
        if (stride.Length == 0) stride = kernel;
        var p = c.Ints(3, [0, 0], 2);
        c.Out(c.Graph.Node1("MaxPool", [c.In(0)], ("kernel_shape", kernel), ("strides", stride),
                            ("pads", new[] { p[0], p[1], p[0], p[1] }), ("dilations", c.Ints(4, [1, 1], 2)),
                            ("ceil_mode", c.Bool(5, false) ? 1L : 0L)));
    }

    static void AvgPool(OpContext c)
    {
        if (c.Has(6)) throw c.Fail("avg_pool2d with divisor_override");
        var kernel = c.Ints(1, [], 2);
        var stride = c.Ints(2, kernel, 2);
        if (stride.Length == 0) stride = kernel;
        var p = c.Ints(3, [0, 0], 2);
        c.Out(c.Graph.Node1("AveragePool", [c.In(0)], ("kernel_shape", kernel), ("strides", stride),
                            ("pads", new[] { p[0], p[1], p[0], p[1] }), ("ceil_mode", c.Bool(4, false) ? 1L : 0L),
                            ("count_include_pad", c.Bool(5, true) ? 1L : 0L)));
    }

    /// <summary>
    /// adaptive_avg_pool2d: a global or uniform average pool where the windows are equal, otherwise PyTorch's
    /// windows [floor(i in / out), ceil((i + 1) in / out)) as slices averaged one axis at a time (the mean over a
    /// rectangle is the mean over its rows of the mean over its columns).
    /// </summary>
    static void AdaptiveAvgPool(OpContext c)
    {
        var g = c.Graph;
        var input = c.ShapeOf(0);
        var output = c.Ints(1, [], 2);
        long h = input[^2], w = input[^1];
        if (output[0] == 1 && output[1] == 1) { c.Out(g.Node1("GlobalAveragePool", [c.In(0)])); return; }
        if (c.ShapeVaries(0)) { AdaptiveAvgPoolSized(c, output); return; }
        if (h % output[0] == 0 && w % output[1] == 0)
        {
            long[] k = [h / output[0], w / output[1]];
            c.Out(g.Node1("AveragePool", [c.In(0)], ("kernel_shape", k), ("strides", k)));
            return;
        }
        var x = c.In(0);
        foreach (var (axis, size, bins) in new[] { (input.Length - 2L, h, output[0]), (input.Length - 1L, w, output[1]) })
        {
            var cells = new List<string>();
            for (long i = 0; i < bins; i++)
            {
                long start = i * size / bins, end = ((i + 1) * size + bins - 1) / bins;
                var slice = g.Node1("Slice", [x, g.Ints(start), g.Ints(end), g.Ints(axis)]);
                cells.Add(g.Node1("ReduceMean", [slice], ("axes", new[] { axis }), ("keepdims", 1L)));
            }
            x = cells.Count == 1 ? cells[0] : g.Node1("Concat", cells, ("axis", axis));
        }
        c.Out(x);
    }

    /// <summary>adaptive_avg_pool2d on an input whose size is known only at run time: the same windows, their bounds
    /// computed in the graph from the input's shape (floor(i n / bins), ceil((i + 1) n / bins)).</summary>
    static void AdaptiveAvgPoolSized(OpContext c, long[] output)
    {
        var g = c.Graph;
        var x = c.In(0);
        long rank = c.Rank(0);
        foreach (var (axis, bins) in new[] { (rank - 2, output[0]), (rank - 1, output[1]) })
        {
            var size = g.Node1("Slice", [g.Node1("Shape", [x]), g.Ints(axis), g.Ints(axis + 1)]);
            var cells = new List<string>();
            for (long i = 0; i < bins; i++)
            {
                var start = g.Node1("Div", [g.Node1("Mul", [size, g.Ints(i)]), g.Ints(bins)]);
                var end = g.Node1("Div", [g.Node1("Add", [g.Node1("Mul", [size, g.Ints(i + 1)]), g.Ints(bins - 1)]), g.Ints(bins)]);
                var slice = g.Node1("Slice", [x, start, end, g.Ints(axis)]);
                cells.Add(g.Node1("ReduceMean", [slice], ("axes", new[] { axis }), ("keepdims", 1L)));
            }
            x = cells.Count == 1 ? cells[0] : g.Node1("Concat", cells, ("axis", axis));
        }
        c.Out(x);
    }

    /// <summary>
    /// upsample_*2d.vec(input, output_size?, [align_corners,] scale_factors?) as Resize. With scale factors the
    /// sizes scale with the input (dynamic shapes); with an output size the batch and channels come from the input.
    /// </summary>
    static void Resize(OpContext c, string mode, int scalesArg, bool alignCorners)
    {
        var g = c.Graph;
        var attributes = new List<(string, object)> { ("mode", mode) };
        if (mode == "nearest")
        {
            attributes.Add(("coordinate_transformation_mode", "asymmetric"));
            attributes.Add(("nearest_mode", "floor"));
        }
        else attributes.Add(("coordinate_transformation_mode", alignCorners ? "align_corners" : "pytorch_half_pixel"));
        if (c.Doubles(scalesArg) is { } scales && !c.Has(1))
        {
            var values = g.Fresh("scales");
            g.Proto.Initializer.Add(FloatVector(values, [1f, 1f, (float)scales[0], (float)scales[^1]]));
            c.Out(g.Node1("Resize", [c.In(0), "", values], [.. attributes]));
            return;
        }
        var leading = g.Node1("Slice", [g.Node1("Shape", [c.In(0)]), g.Ints(0), g.Ints(2)]);
        var sizes = g.Node1("Concat", [leading, c.IntsValue(1, [])], ("axis", 0L));
        c.Out(g.Node1("Resize", [c.In(0), "", "", sizes], [.. attributes]));
    }

    static Schema.TensorProto FloatVector(string name, float[] values)
    {
        var proto = new Schema.TensorProto { Name = name, DataType = (int)Schema.TensorProto.Types.DataType.Float };
        proto.Dims.Add(values.Length);
        proto.FloatData.Add(values);
        return proto;
    }
}
