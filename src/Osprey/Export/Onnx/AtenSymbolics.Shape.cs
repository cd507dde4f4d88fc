namespace Osprey.Export.Onnx;

static partial class AtenSymbolics
{
    static void AddShape(Dictionary<string, Action<OpContext>> map)
    {
        map["contiguous"] = map["clone"] = map["detach"] = map["osprey::alias"] = c => c.Out(c.In(0));
        map["to"] = c => c.Out(c.Cast(c.In(0), c.TypeOf(0), c.OutType()));
        map["view"] = map["reshape"] = map["flatten"] = map["unflatten"] =
            c => c.Out(c.Graph.Node1("Reshape", [c.In(0), c.OutShapeValue()]));
        map["permute"] = c => c.Out(c.Graph.Node1("Transpose", [c.In(0)],
            ("perm", c.Ints(1, []).Select(d => d < 0 ? d + c.Rank(0) : d).ToArray())));
        map["transpose"] = c =>
        {
            long rank = c.Rank(0);
            var perm = Enumerable.Range(0, (int)rank).Select(i => (long)i).ToArray();
            long a = c.Dim(1, rank), b = c.Dim(2, rank);
            (perm[a], perm[b]) = (perm[b], perm[a]);
            c.Out(c.Graph.Node1("Transpose", [c.In(0)], ("perm", perm)));
        };
        map["unsqueeze"] = c => c.Out(c.Graph.Node1("Unsqueeze", [c.In(0), c.Graph.Ints(c.Dim(1, c.Rank(0) + 1))]));
        map["squeeze"] = c =>
        {
            if (c.Op.Overload == "") { c.Out(c.Graph.Node1("Squeeze", [c.In(0)])); return; }
            long dim = c.Dim(1, c.Rank(0));
            c.Out(c.ShapeOf(0)[dim] == 1 ? c.Graph.Node1("Squeeze", [c.In(0), c.Graph.Ints(dim)]) : c.In(0));
        };
        map["cat"] = c =>
        {
            var tensors = c.Tensors(0);
            long rank = c.Graph.ShapeOf(tensors[0]).Length;
            long dim = c.Dim(1, rank);
            var t = c.OutType();
            var values = c.ListValues(0);
            var parts = tensors.Select((x, k) => (x, k)).Where(p => c.Graph.ShapeOf(p.x).Length > 1 || c.Graph.ShapeOf(p.x)[0] != 0)
                               .Select(p => c.Cast(values[p.k], c.Graph.TypeOf(p.x), t)).ToList();
            c.Out(parts.Count == 1 ? parts[0] : c.Graph.Node1("Concat", parts, ("axis", dim)));
        };
        map["stack"] = c =>
        {
            var tensors = c.Tensors(0);
            long dim = c.Dim(1, c.Graph.ShapeOf(tensors[0]).Length + 1);
            var parts = c.ListValues(0).Select(x => c.Graph.Node1("Unsqueeze", [x, c.Graph.Ints(dim)])).ToList();
            c.Out(c.Graph.Node1("Concat", parts, ("axis", dim)));
        };
        map["slice"] = c =>
        {
            var shape = c.ShapeOf(0);
            long dim = c.Dim(1, shape.Length);
            long step = c.Int(4, 1);
            long start = c.IntOf(c.Op, 2, 0);
            var endArg = c.Op.Args.Length > 3 && c.Op.Args[3].Value is long e ? e : long.MaxValue;
            var g = c.Graph;
            var starts = c.IntsValueOf(call => [c.IntOf(call, 2, 0)]);
            if (start == 0 && endArg >= shape[dim] && step == 1 && starts == g.Ints(0L) && !c.ShapeVaries(0)) { c.Out(c.In(0)); return; }
            var end = c.IntsValueOf(call => [c.IntOf(call, 3, long.MaxValue)]);
            c.Out(g.Node1("Slice", [c.In(0), starts, end, g.Ints(dim), g.Ints(step)]));
        };
        map["narrow"] = c =>
        {
            long dim = c.Dim(1, c.Rank(0));
            var g = c.Graph;
            var start = c.IntsValueOf(call => [c.IntOf(call, 2, 0)]);
            var end = c.IntsValueOf(call => [c.IntOf(call, 2, 0) + c.IntOf(call, 3, 0)]);
            c.Out(g.Node1("Slice", [c.In(0), start, end, g.Ints(dim)]));
        };
        map["select"] = c =>
        {
            var g = c.Graph;
            long dim = c.Dim(1, c.Rank(0));
            long index = c.Int(2, 0);
            var scalar = g.Node1("Squeeze", [g.Ints(index)], []);
            c.Out(g.Node1("Gather", [c.In(0), scalar], ("axis", dim)));
        };
        map["index_select"] = c => c.Out(c.Graph.Node1("Gather", [c.In(0), c.In(2)], ("axis", c.Dim(1, c.Rank(0)))));
        map["gather"] = c => c.Out(c.Graph.Node1("GatherElements", [c.In(0), c.In(2)], ("axis", c.Dim(1, c.Rank(0)))));
        map["expand"] = c =>
        {
            // -1 keeps a dimension: 1 under ONNX's broadcasting does the same.
            var (first, others) = c.IntsVariants(1);
            long[] Keep(long[] sizes) => sizes.Select(s => s == -1 ? 1 : s).ToArray();
            c.Out(c.Graph.Node1("Expand", [c.In(0), c.Graph.IntsValue(Keep(first), others.Select(Keep).ToArray())]));
        };
        map["expand_as"] = c => c.Out(c.Graph.Node1("Expand", [c.In(0), c.Graph.Node1("Shape", [c.In(1)])]));
        map["repeat"] = c =>
        {
            var repeats = (long[])c.Op.Args[1].Value!;
            var shape = c.ShapeOf(0);
            var x = c.In(0);
            if (repeats.Length > shape.Length)
                x = c.Graph.Node1("Unsqueeze", [x, c.Graph.Ints(Enumerable.Range(0, repeats.Length - shape.Length).Select(k => (long)k).ToArray())]);
            c.Out(c.Graph.Node1("Tile", [x, c.IntsValue(1, [])]));
        };
        map["flip"] = c =>
        {
            var g = c.Graph;
            var dims = c.Ints(1, []).Select(d => d < 0 ? d + c.Rank(0) : d).ToArray();
            c.Out(g.Node1("Slice", [c.In(0), g.Ints(dims.Select(_ => -1L).ToArray()),
                                   g.Ints(dims.Select(_ => long.MinValue).ToArray()), g.Ints(dims), g.Ints(dims.Select(_ => -1L).ToArray())]));
        };
        map["chunk"] = map["split"] = map["split_with_sizes"] = map["unbind"] = Split;
        map["pad"] = Pad;
        map["constant_pad_nd"] = Pad;
        map["mean"] = c => Reduce(c, "ReduceMean");
        map["sum"] = c => Reduce(c, "ReduceSum");
        map["amax"] = c => Reduce(c, "ReduceMax");
        map["amin"] = c => Reduce(c, "ReduceMin");
        map["max"] = c => ReduceWithIndex(c, "ReduceMax", "ArgMax");
        map["min"] = c => ReduceWithIndex(c, "ReduceMin", "ArgMin");
        map["argmax"] = c => c.Out(c.Graph.Node1("ArgMax", [c.In(0)], ("axis", c.Dim(1, c.Rank(0))), ("keepdims", c.Bool(2, false) ? 1L : 0L)));
        map["cumsum"] = c =>
        {
            var axis = c.Graph.Node1("Squeeze", [c.Graph.Ints(c.Dim(1, c.Rank(0)))]);
            c.Out(c.Graph.Node1("CumSum", [c.Cast(c.In(0), c.TypeOf(0), c.OutType()), axis]));
        };
    }

    static void Split(OpContext c)
    {
        var g = c.Graph;
        long rank = c.Rank(0);
        bool unbind = c.Op.Name == "aten::unbind";
        long dim = unbind ? c.Dim(1, rank) : c.Dim(2, rank);
        var sizes = c.Op.OutputShapes.Select(s => unbind ? 1 : s[dim]).ToArray();
        var outputs = sizes.Length == 1 ? [c.In(0)] : g.Node("Split", [c.In(0), g.Ints(sizes)], sizes.Length, ("axis", dim));
        for (int k = 0; k < outputs.Length; k++)
            c.Out(unbind ? g.Node1("Squeeze", [outputs[k], g.Ints(dim)]) : outputs[k], k);
    }

    /// <summary>pad(input, pad, mode, value): ATen's pairs run from the last dimension backwards.</summary>
    static void Pad(OpContext c)
    {
        var g = c.Graph;
        var pad = c.Ints(1, []);
        long rank = c.Rank(0);
        var pads = new long[rank * 2];
        for (int k = 0; k < pad.Length / 2; k++)
        {
            long dim = rank - 1 - k;
            pads[dim] = pad[2 * k];
            pads[rank + dim] = pad[2 * k + 1];
        }
        var mode = c.Op.Name == "aten::constant_pad_nd" ? "constant" : c.String(2, "constant");
        double value = c.Op.Name == "aten::constant_pad_nd" ? c.Double(2, 0) : c.Double(3, 0);
        var onnxMode = mode switch { "constant" => "constant", "reflect" => "reflect", "replicate" => "edge", _ => throw c.Fail($"pad mode '{mode}'") };
        var inputs = new List<string> { c.In(0), g.Ints(pads) };
        if (onnxMode == "constant") inputs.Add(g.Scalar(value, c.TypeOf(0)));
        c.Out(g.Node1("Pad", inputs, ("mode", onnxMode)));
    }

    /// <summary>mean/sum over dims (all when none given), keepdim; ReduceSum takes its axes as an input from opset 13.</summary>
    static void Reduce(OpContext c, string onnx)
    {
        long rank = c.Rank(0);
        bool all = c.Op.Overload == "" && c.Op.Name is "aten::mean" or "aten::sum";
        var dims = all ? Enumerable.Range(0, (int)rank).Select(i => (long)i).ToArray()
            : c.Ints(1, []).Select(d => d < 0 ? d + rank : d).ToArray();
        if (dims.Length == 0) dims = Enumerable.Range(0, (int)rank).Select(i => (long)i).ToArray();
        long keep = all ? 0 : c.Bool(2, false) ? 1 : 0;
        var x = c.Cast(c.In(0), c.TypeOf(0), c.OutType());
        c.Out(onnx == "ReduceSum"
            ? c.Graph.Node1(onnx, [x, c.Graph.Ints(dims)], ("keepdims", keep))
            : c.Graph.Node1(onnx, [x], ("axes", dims), ("keepdims", keep)));
    }

    static void ReduceWithIndex(OpContext c, string reduce, string arg)
    {
        if (c.Op.Overload != "dim") { Reduce(c, reduce); return; }
        long dim = c.Dim(1, c.Rank(0));
        long keep = c.Bool(2, false) ? 1 : 0;
        c.Out(c.Graph.Node1(reduce, [c.In(0)], ("axes", new[] { dim }), ("keepdims", keep)), 0);
        c.Out(c.Graph.Node1(arg, [c.In(0)], ("axis", dim), ("keepdims", keep)), 1);
    }
}
