using System.Text.Json;
using System.Text.Json.Nodes;
using Osprey.Models.Detection;
using Osprey.Models.Detection.Boxes;

namespace Osprey.Tests.Models.Detection.Boxes;

/// <summary>
/// ultralytics' non_max_suppression and scale_boxes against the official functions
/// (tools/reference/ultralytics_metrics_reference.py): a two-image YOLO output with five classes, tied scores
/// (within and across classes) and identical boxes, under prediction and validation settings, agnostic, a class
/// filter and the max-candidates / max-detections caps. Detections equal exactly (same rows, same order).
/// </summary>
public class NonMaxSuppressionTests
{
    public static TheoryData<string> Cases() => ["predict", "validate", "agnostic", "classes", "capped", "single_label_low", "uncapped", "uncapped_multi"];

    static NmsOptions Options(string json)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        var options = new NmsOptions { Confidence = (double)o["conf_thres"]!, Iou = (double)o["iou_thres"]! };
        if (o["multi_label"] is { } multi) options = options with { MultiLabel = (bool)multi };
        if (o["agnostic"] is { } agnostic) options = options with { Agnostic = (bool)agnostic };
        if (o["max_det"] is { } maxDet) options = options with { MaxDetections = (int)maxDet };
        if (o["max_nms"] is { } maxNms) options = options with { MaxCandidates = (int)maxNms };
        if (o["classes"] is { } classes) options = options with { Classes = classes.AsArray().Select(c => (int)c!).ToArray() };
        return options;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DetectionsEqualUltralytics(string name)
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("detection/ultralytics_nms");
        var prediction = f["prediction"];
        var output = NonMaxSuppression.Apply(prediction, Options(f.Metadata[name]));
        Assert.Equal(2, output.Count);
        for (int b = 0; b < 2; b++)
        {
            var expected = f[$"{name}.{b}"];
            Assert.Equal(expected.Shape, output[b].Shape);
            Assert.Equal(expected.ToArray<float>(), output[b].ToArray<float>());
        }
    }

    [Fact]
    public void DecodedModelOutputGivesTheSameDetections()
    {
        using var scope = TensorScope.Begin();
        var prediction = Fixture.Load("detection/ultralytics_nms")["prediction"];
        var split = prediction.Split([4, 5], 1);
        var fromOutput = NonMaxSuppression.Apply(new DetectionOutput([], split[0], split[1]));
        var direct = NonMaxSuppression.Apply(prediction);
        for (int b = 0; b < 2; b++) Assert.Equal(direct[b].ToArray<float>(), fromOutput[b].ToArray<float>());
    }

    [Fact]
    public void OnlyTheReturnedDetectionsOutliveTheCall()
    {
        using var outer = TensorScope.Begin();
        var prediction = Fixture.Load("detection/ultralytics_nms")["prediction"];
        long before = Tensor.LiveCount;
        using (var scope = TensorScope.Begin())
        {
            var detections = NonMaxSuppression.Apply(prediction, NmsOptions.Validation);
            var keep = Nms.Batched(Tensor.Zeros([3, 4]), Tensor.Zeros([3]), Tensor.Zeros([3], DType.Int64), 0.5);
            Assert.Equal(before + 2 + 3 + 1, Tensor.LiveCount);   // two images, three inputs, the kept indices
        }
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void BadSettingsAreRefused()
    {
        using var scope = TensorScope.Begin();
        var prediction = Tensor.Zeros([1, 6, 10]);
        Assert.Contains("confidence threshold 1.5", Assert.Throws<ArgumentException>(() =>
            NonMaxSuppression.Apply(prediction, new NmsOptions { Confidence = 1.5 })).Message);
        Assert.Contains("(N, 4 + classes, anchors)", Assert.Throws<ArgumentException>(() =>
            NonMaxSuppression.Apply(Tensor.Zeros([6, 10]))).Message);
        Assert.Contains("not decoded", Assert.Throws<ArgumentException>(() =>
            NonMaxSuppression.Apply(new DetectionOutput([], null, null))).Message);
    }

    [Fact]
    public void ScaleBoxesEqualsUltralytics()
    {
        var cases = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "detection", "ultralytics_metrics.json")))!["scale_boxes"]!;
        foreach (var c in cases.AsArray())
        {
            int[] Pair(string key) => c![key]!.AsArray().Select(v => (int)v!).ToArray();
            var (net, orig) = (Pair("img1"), Pair("img0"));
            (double, double, double)? ratioPad = c!["ratio_pad"] is JsonArray rp
                ? ((double)rp[0]![0]!, (double)rp[1]![0]!, (double)rp[1]![1]!) : null;
            var boxes = c["boxes"]!.AsArray().Select(v => (float)(double)v!).ToArray();
            var expected = c["expected"]!.AsArray().Select(v => (float)(double)v!).ToArray();
            Assert.Equal(expected, LetterboxScaling.ScaleBoxes((net[0], net[1]), boxes, (orig[0], orig[1]), ratioPad));
        }
    }

    [Fact]
    public void ScaleBoxesKeepsConfidenceAndClassColumns()
    {
        using var scope = TensorScope.Begin();
        // 480x640 letterboxed into 640x640: gain 1, 80 pixels of padding above and below.
        var detections = Tensor.From(new[] { 10f, 90, 110, 190, 0.75f, 3 }, 1, 6);
        var scaled = LetterboxScaling.ScaleBoxes((640, 640), detections, (480, 640));
        Assert.Equal([10f, 10, 110, 110, 0.75f, 3], scaled.ToArray<float>());
        Assert.Equal((1.0, 0.0, 80.0), LetterboxScaling.Geometry((640, 640), (480, 640)));
    }
}
