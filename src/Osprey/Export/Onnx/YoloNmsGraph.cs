using Osprey.Models.Detection.Boxes;
using Osprey.Torch;

namespace Osprey.Export.Onnx;

/// <summary>
/// Non-maximum suppression appended to a YOLO graph (ultralytics' export with nms=True): from the decoded
/// (N, 4 + classes, A) output to (N, max_det, 6) rows x1, y1, x2, y2, score, class, best first, zero rows after an
/// image's detections. The same steps as <see cref="NonMaxSuppression"/> with one label per box: best class, a score
/// strictly above the confidence threshold, corners from the centre form, boxes shifted by class x 7680 unless
/// agnostic, ONNX NonMaxSuppression (suppressed above the IoU threshold, at most max_det kept). Computed in float32
/// (a half graph's output is cast first). ultralytics' max_nms cap is not applied, so the detections equal
/// <see cref="NonMaxSuppression"/>'s whenever an image has at most <see cref="NmsOptions.MaxCandidates"/> candidates.
/// </summary>
static class YoloNmsGraph
{
    public static string Append(OnnxGraph g, string output, DType outputType, NmsOptions options)
    {
        if (options.MultiLabel) throw new OnnxExportException("ONNX export: NMS in the graph keeps one label per box; multi-label NMS is a post-step");
        if (options.Classes != null) throw new OnnxExportException("ONNX export: NMS in the graph keeps every class; filter classes after it");
        var prediction = outputType == DType.Float32 && !g.Half ? output : g.Node1("Cast", [output], ("to", (long)OnnxGraph.OnnxType(DType.Float32)));
        string F(double v) => FloatScalar(g, (float)v);

        var boxes = g.Node1("Transpose", [g.Node1("Slice", [prediction, g.Ints(0), g.Ints(4), g.Ints(1)])], ("perm", new long[] { 0, 2, 1 }));
        var scores = g.Node1("Slice", [prediction, g.Ints(4), g.Ints(long.MaxValue), g.Ints(1)]);
        var best = g.Node1("ReduceMax", [scores], ("axes", new long[] { 1 }), ("keepdims", 1L));           // (N, 1, A)
        var label = g.Node1("ArgMax", [scores], ("axis", 1L), ("keepdims", 1L), ("select_last_index", 0L)); // first of equal maxima
        var labelRow = g.Node1("Transpose", [g.Node1("Cast", [label], ("to", (long)OnnxGraph.OnnxType(DType.Float32)))], ("perm", new long[] { 0, 2, 1 }));

        var parts = g.Node("Split", [boxes, g.Ints(1, 1, 1, 1)], 4, ("axis", 2L));
        var halfW = g.Node1("Div", [parts[2], F(2)]);
        var halfH = g.Node1("Div", [parts[3], F(2)]);
        var corners = g.Node1("Concat", [g.Node1("Sub", [parts[0], halfW]), g.Node1("Sub", [parts[1], halfH]),
                                         g.Node1("Add", [parts[0], halfW]), g.Node1("Add", [parts[1], halfH])], ("axis", 2L));   // (N, A, 4)
        var shifted = options.Agnostic ? corners : g.Node1("Add", [corners, g.Node1("Mul", [labelRow, F(NonMaxSuppression.ClassOffset)])]);

        var selected = g.Node1("NonMaxSuppression", [shifted, best, g.Scalar(options.MaxDetections, DType.Int64), F(options.Iou), F(options.Confidence)]);
        var image = g.Node1("Squeeze", [g.Node1("Slice", [selected, g.Ints(0), g.Ints(1), g.Ints(1)]), g.Ints(1)]);   // (K)
        var anchor = g.Node1("Slice", [selected, g.Ints(2), g.Ints(3), g.Ints(1)]);
        var table = g.Node1("Concat", [corners, g.Node1("Transpose", [best], ("perm", new long[] { 0, 2, 1 })), labelRow], ("axis", 2L));
        var rows = g.Node1("GatherND", [table, g.Node1("Concat", [g.Node1("Unsqueeze", [image, g.Ints(1)]), anchor], ("axis", 1L))]);

        // A row's place in its image: selections come grouped by image, best first, so it is the number of
        // earlier selections of the same image.
        var batch = g.Node1("Slice", [g.Node1("Shape", [prediction]), g.Ints(0), g.Ints(1)]);
        var images = g.Node1("Range", [g.Scalar(0, DType.Int64), g.Node1("Squeeze", [batch, g.Ints(0)]), g.Scalar(1, DType.Int64)]);
        var oneHot = g.Node1("Cast", [g.Node1("Equal", [g.Node1("Unsqueeze", [image, g.Ints(1)]), images])], ("to", (long)OnnxGraph.OnnxType(DType.Int64)));
        var seen = g.Node1("CumSum", [oneHot, g.Node1("Squeeze", [g.Ints(0)])]);
        var place = g.Node1("Sub", [g.Node1("GatherElements", [seen, g.Node1("Unsqueeze", [image, g.Ints(1)])], ("axis", 1L)), g.Ints(1)]);
        var where = g.Node1("Concat", [g.Node1("Unsqueeze", [image, g.Ints(1)]), place], ("axis", 1L));
        var empty = g.Node1("Expand", [F(0), g.Node1("Concat", [batch, g.Ints(options.MaxDetections, 6)], ("axis", 0L))]);
        return g.Node1("ScatterND", [empty, where, rows]);
    }

    static string FloatScalar(OnnxGraph g, float value)
    {
        var name = g.Fresh("nms_const");
        var proto = new Schema.TensorProto { Name = name, DataType = (int)Schema.TensorProto.Types.DataType.Float };
        proto.FloatData.Add(value);
        g.Proto.Initializer.Add(proto);
        return name;
    }
}
