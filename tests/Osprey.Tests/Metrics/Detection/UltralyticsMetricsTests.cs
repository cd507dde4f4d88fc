using System.Text.Json.Nodes;
using Osprey.Metrics.Detection;

namespace Osprey.Tests.Metrics.Detection;

/// <summary>
/// ultralytics' validator numbers against its own functions (tools/reference/ultralytics_metrics_reference.py, an
/// ultralytics 8.3 tree): numpy's argsort order on ties, match_predictions' flags exactly, and per set P, R, mAP50,
/// mAP50-95, fitness, per-class values, maps and the P / R / F1 curves within 1e-6 — including tied confidences,
/// an exact duplicate detection, classes without labels and a set without any true positive.
/// </summary>
public class UltralyticsMetricsTests
{
    const double Tolerance = 1e-6;

    static JsonNode Fixture() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "detection", "ultralytics_metrics.json")))!;

    static float[] Floats(JsonNode? node) => node!.AsArray().Select(v => (float)(double)v!).ToArray();
    static int[] Ints(JsonNode? node) => node!.AsArray().Select(v => (int)v!).ToArray();
    static double[] Doubles(JsonNode? node) => node!.AsArray().Select(v => (double)v!).ToArray();

    static void Near(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance, $"{what}: ultralytics {expected}, Osprey {actual}");

    [Fact]
    public void IouThresholdsAreTheValidatorsFloat32Values() =>
        Assert.Equal(Floats(Fixture()["iouv"]), UltralyticsMatching.IouThresholds);

    [Fact]
    public void ArgsortOrderEqualsNumpyOnTies()
    {
        foreach (var c in Fixture()["argsort"]!.AsArray())
            Assert.Equal(Ints(c!["indices"]), NumpyArgsort.Quicksort(Floats(c["values"])));
    }

    [Fact]
    public void IouAndMatchesEqualMatchPredictions()
    {
        foreach (var c in Fixture()["matching"]!.AsArray())
        {
            var (pred, gt) = (Floats(c!["pred"]), Floats(c["gt"]));
            Assert.Equal(Floats(c["iou"]), UltralyticsMatching.BoxIou(gt, pred));
            var correct = UltralyticsMatching.Match(pred, Ints(c["pred_cls"]), gt, Ints(c["gt_cls"]));
            var expected = c["correct"]!.AsArray().Select(row => Ints(row)).ToArray();
            Assert.Equal(expected.Length, correct.GetLength(0));
            for (int d = 0; d < expected.Length; d++)
                for (int t = 0; t < 10; t++) Assert.True(expected[d][t] == 1 == correct[d, t], $"detection {d} threshold {t}");
        }
    }

    public static TheoryData<string> Sets() => new(Fixture()["validator"]!.AsArray().Select(s => (string)s!["name"]!));

    [Theory]
    [MemberData(nameof(Sets))]
    public void ValidatorNumbersEqualUltralytics(string name)
    {
        var set = Fixture()["validator"]!.AsArray().Single(s => (string)s!["name"]! == name)!;
        int nc = (int)set["nc"]!;
        var metrics = new UltralyticsDetectionMetrics(nc);
        foreach (var image in set["images"]!.AsArray())
            metrics.Add(Floats(image!["pred"]), Floats(image["conf"]), Ints(image["pred_cls"]), Floats(image["gt"]), Ints(image["gt_cls"]));
        var r = metrics.Compute();

        var expected = set["results"]!;
        Near((double)expected["precision"]!, r.Precision, "precision");
        Near((double)expected["recall"]!, r.Recall, "recall");
        Near((double)expected["map50"]!, r.MAP50, "mAP50");
        Near((double)expected["map50_95"]!, r.MAP50To95, "mAP50-95");
        Near((double)expected["fitness"]!, r.Fitness, "fitness");
        Assert.Equal(Ints(set["nt_per_class"]).Sum(), r.Instances);
        Assert.Equal(Ints(set["classes"]), r.PerClass.Select(c => c.Class).ToArray());
        var (p, rc, ap) = (Doubles(set["p"]), Doubles(set["r"]), set["ap"]!.AsArray().Select(Doubles).ToArray());
        for (int i = 0; i < r.PerClass.Count; i++)
        {
            var c = r.PerClass[i];
            Assert.Equal(Ints(set["nt_per_class"])[c.Class], c.Instances);
            Near(p[i], c.Precision, $"class {c.Class} precision");
            Near(rc[i], c.Recall, $"class {c.Class} recall");
            Near(ap[i][0], c.MAP50, $"class {c.Class} AP50");
            Near(ap[i].Average(), c.MAP50To95, $"class {c.Class} AP50-95");
            for (int t = 0; t < 10; t++) Near(ap[i][t], r.Curves!.AP[i, t], $"class {c.Class} AP at threshold {t}");
        }
        // Without a true positive ultralytics never sizes its maps (empty); Osprey's are all 0 then.
        var maps = Doubles(set["maps"]);
        for (int k = 0; k < nc; k++) Near(maps.Length == 0 ? 0 : maps[k], r.ClassMaps[k], $"maps[{k}]");

        if (set["best_f1_index"] is { } best)
        {
            Assert.Equal((int)best, r.Curves!.BestF1Index);
            var meanF1 = Doubles(set["f1_curve_mean"]);
            for (int i = 0; i < meanF1.Length; i++)
                Near(meanF1[i], Enumerable.Range(0, r.Curves.Classes.Length).Average(k => r.Curves.F1Curve[k, i]), $"mean F1 at {i}");
        }
        else Assert.Null(r.Curves);
        if (set["p_curve"] is { } pCurve)
        {
            var (pc, rcurve) = (pCurve.AsArray().Select(Doubles).ToArray(), set["r_curve"]!.AsArray().Select(Doubles).ToArray());
            for (int k = 0; k < pc.Length; k++)
                for (int i = 0; i < pc[k].Length; i++)
                {
                    Near(pc[k][i], r.Curves!.PrecisionCurve[k, i], $"P curve class {k} point {i}");
                    Near(rcurve[k][i], r.Curves.RecallCurve[k, i], $"R curve class {k} point {i}");
                }
        }
    }

    [Fact]
    public void NmsRowsGiveTheSameNumbersAsArrays()
    {
        using var scope = TensorScope.Begin();
        var set = Fixture()["validator"]!.AsArray().Single(s => (string)s!["name"]! == "four_classes")!;
        var (fromArrays, fromRows) = (new UltralyticsDetectionMetrics(4), new UltralyticsDetectionMetrics(4));
        foreach (var image in set["images"]!.AsArray())
        {
            var (boxes, conf, cls) = (Floats(image!["pred"]), Floats(image["conf"]), Ints(image["pred_cls"]));
            fromArrays.Add(boxes, conf, cls, Floats(image["gt"]), Ints(image["gt_cls"]));
            var rows = Enumerable.Range(0, cls.Length).SelectMany(i => boxes.Skip(i * 4).Take(4).Append(conf[i]).Append(cls[i])).ToArray();
            fromRows.Add(Tensor.From(rows, cls.Length, 6), Floats(image["gt"]), Ints(image["gt_cls"]));
        }
        var (a, b) = (fromArrays.Compute(), fromRows.Compute());
        Assert.Equal((a.Precision, a.Recall, a.MAP50, a.MAP50To95), (b.Precision, b.Recall, b.MAP50, b.MAP50To95));
        Assert.Equal(7, a.Images);
    }

    [Fact]
    public void MismatchedInputsAreRefused()
    {
        var metrics = new UltralyticsDetectionMetrics(2);
        Assert.Contains("need as many scores and 4 box coordinates each", Assert.Throws<ArgumentException>(() =>
            metrics.Add([0, 0, 1, 1], [0.5f, 0.4f], [0, 1], [], [])).Message);
        Assert.Contains("1 labels need 4 box coordinates each, got 3", Assert.Throws<ArgumentException>(() =>
            metrics.Add([], [], [], [0, 0, 1], [0])).Message);
        Assert.Contains("class 2 outside [0, 2)", Assert.Throws<ArgumentException>(() =>
            metrics.Add([0, 0, 1, 1], [0.5f], [2], [], [])).Message);
    }

    [Fact]
    public void AveragePrecisionKeepsUltralyticsSentinels()
    {
        // A perfect detector scores 0.995: the sentinel (recall 1, precision 0) wins the interpolation at recall 1.
        Assert.Equal(0.995, UltralyticsApPerClass.AveragePrecision([0.5, 1.0], [1.0, 1.0]), 1e-12);
        // Half the objects found at precision 1: the envelope falls linearly from 1 at recall 0.5 to 0 at recall 1.
        Assert.Equal(0.75, UltralyticsApPerClass.AveragePrecision([0.5], [1.0]), 1e-12);
    }
}
