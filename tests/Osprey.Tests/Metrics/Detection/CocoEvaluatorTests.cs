using System.Text.Json.Nodes;
using Osprey.Metrics.Detection;

namespace Osprey.Tests.Metrics.Detection;

/// <summary>
/// The 12 COCO statistics and per-category AP / AP50 / AP75 / AR100 equal to pycocotools' COCOeval within 1e-6
/// (tools/reference/coco_eval_reference.py): five randomized sets with crowds, background images, all area ranges
/// (areas on the bounds included), an image with more than 100 detections and exact score ties.
/// </summary>
public class CocoEvaluatorTests
{
    const double Tolerance = 1e-6;

    public static TheoryData<string> Sets() => new(Load().Select(s => (string)s!["name"]!));

    internal static JsonArray Load() =>
        (JsonArray)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "detection", "coco_eval.json")))!["sets"]!;

    static CocoBox Box(JsonNode node)
    {
        var b = node.AsArray().Select(v => (double)v!).ToArray();
        return new CocoBox(b[0], b[1], b[2], b[3]);
    }

    internal static (CocoEvaluator Evaluator, List<CocoDetection> Detections, JsonNode Set) Build(string name)
    {
        var set = Load().Single(s => (string)s!["name"]! == name)!;
        var truth = set["annotations"]!.AsArray().Select(a => new CocoGroundTruth((long)a!["image_id"]!, (int)a["category_id"]!,
            Box(a["bbox"]!), (double)a["area"]!, (int)a["iscrowd"]! == 1)).ToList();
        var detections = set["detections"]!.AsArray().Select(d => new CocoDetection((long)d!["image_id"]!, (int)d["category_id"]!,
            Box(d["bbox"]!), (double)d["score"]!)).ToList();
        var evaluator = new CocoEvaluator(set["images"]!.AsArray().Select(i => (long)i!),
            set["categories"]!.AsArray().Select(c => (int)c!), truth);
        return (evaluator, detections, set);
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void StatisticsEqualPycocotools(string name)
    {
        var (evaluator, detections, set) = Build(name);
        var result = evaluator.Evaluate(detections);
        var expected = set["stats"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal(12, result.Stats.Count);
        for (int i = 0; i < 12; i++)
            Assert.True(Math.Abs(expected[i] - result.Stats[i]) <= Tolerance,
                $"{name} {CocoEvaluation.StatNames[i]}: pycocotools {expected[i]}, Osprey {result.Stats[i]}");
        foreach (var category in result.PerCategory)
        {
            var e = set["per_category"]![category.CategoryId.ToString()]!;
            foreach (var (field, value) in new[] { ("ap", category.AP), ("ap50", category.AP50), ("ap75", category.AP75), ("ar100", category.AR100) })
                Assert.True(Math.Abs((double)e[field]! - value) <= Tolerance,
                    $"{name} category {category.CategoryId} {field}: pycocotools {(double)e[field]!}, Osprey {value}");
        }
    }

    [Fact]
    public void ACategoryWithoutObjectsHasNoAP()
    {
        var (evaluator, detections, _) = Build("mixed");
        var result = evaluator.Evaluate(detections);
        Assert.Equal(-1, result.PerCategory.Single(c => c.CategoryId == 12).AP);
        Assert.Contains(detections, d => d.CategoryId == 12);
    }

    [Fact]
    public void PerfectDetectionsScoreOneAndCrowdsAreNeitherHitNorMiss()
    {
        var truth = new[]
        {
            CocoGroundTruth.OfBox(1, 1, new CocoBox(10, 10, 20, 20)),                       // small
            CocoGroundTruth.OfBox(1, 1, new CocoBox(100, 100, 50, 50)),                     // medium
            CocoGroundTruth.OfBox(2, 1, CocoBox.FromCorners(0, 0, 200, 150)),               // large
            new CocoGroundTruth(2, 1, new CocoBox(300, 300, 100, 100), 10000, IsCrowd: true),
        };
        var evaluator = new CocoEvaluator([1, 2, 3], [1], truth);
        var detections = truth.Take(3).Select((o, i) => new CocoDetection(o.ImageId, 1, o.Box, 0.9 - i * 0.1))
            .Append(new CocoDetection(2, 1, new CocoBox(310, 310, 20, 20), 0.95))   // inside the crowd: ignored
            .Append(new CocoDetection(2, 1, new CocoBox(320, 320, 20, 20), 0.05))
            .ToList();
        var result = evaluator.Evaluate(detections);
        // With one detection per image, image 2 spends it on the crowd: one object of three found.
        double[] expected = [1, 1, 1, 1, 1, 1, 1.0 / 3, 1, 1, 1, 1, 1];
        for (int i = 0; i < 12; i++) Assert.Equal(expected[i], result.Stats[i], 1e-12);
    }

    [Fact]
    public void UnknownImagesAndCategoriesAreRefused()
    {
        var evaluator = new CocoEvaluator([1], [1, 2], [CocoGroundTruth.OfBox(1, 1, new CocoBox(0, 0, 5, 5))]);
        var error = Assert.Throws<ArgumentException>(() => evaluator.Evaluate([new CocoDetection(7, 1, new CocoBox(0, 0, 1, 1), 0.5)]));
        Assert.Contains("detection 0 has image id 7", error.Message);
        error = Assert.Throws<ArgumentException>(() => evaluator.Evaluate([new CocoDetection(1, 1, new CocoBox(0, 0, 1, 1), 0.5),
            new CocoDetection(1, 5, new CocoBox(0, 0, 1, 1), 0.5)]));
        Assert.Contains("detection 1 has category id 5, expected one of [1, 2]", error.Message);
        error = Assert.Throws<ArgumentException>(() => new CocoEvaluator([1], [1], [CocoGroundTruth.OfBox(1, 3, new CocoBox(0, 0, 5, 5))]));
        Assert.Contains("ground truth 0 has category id 3", error.Message);
    }
}
