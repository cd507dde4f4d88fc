using Osprey.Metrics.Detection;

namespace Osprey.Tests.Metrics.Detection;

/// <summary>
/// The occluded subset: box occlusion is the exact covered fraction of a box by the union of the other boxes; COCO
/// evaluation over the objects more than 30% occluded ignores the others (a detection of one counts neither way)
/// while unmatched detections stay false positives — values computed by hand on a constructed image.
/// </summary>
public class OccludedSubsetTests
{
    [Fact]
    public void OcclusionIsTheCoveredFractionOfTheBoxUnderTheUnionOfTheOthers()
    {
        // A and B overlap by half of each; C is covered by D (25) and E (25) whose overlap (4) counts once: 46 of 100;
        // D and E lie inside C, so C covers them whole; F touches nothing.
        float[] boxes =
        [
            0, 0, 10, 10,      // A
            5, 0, 15, 10,      // B
            100, 100, 110, 110, // C
            100, 100, 105, 105, // D
            103, 103, 108, 108, // E
            200, 200, 210, 220, // F
        ];
        var occlusion = BoxOcclusion.Of(boxes);
        Assert.Equal(6, occlusion.Length);
        Assert.Equal(0.5, occlusion[0], 12);
        Assert.Equal(0.5, occlusion[1], 12);
        Assert.Equal(0.46, occlusion[2], 12);
        Assert.Equal(1.0, occlusion[3], 12);
        Assert.Equal(1.0, occlusion[4], 12);
        Assert.Equal(0.0, occlusion[5], 12);
    }

    [Fact]
    public void SubsetKeepsOnlyObjectsMoreThan30PercentOccluded()
    {
        // Two boxes side by side overlapping by 30% of each: exactly 0.3 is not "more than 30%".
        var truth = new[]
        {
            CocoGroundTruth.OfBox(1, 0, new CocoBox(0, 0, 10, 10)),
            CocoGroundTruth.OfBox(1, 0, new CocoBox(7, 0, 10, 10)),
            CocoGroundTruth.OfBox(2, 0, new CocoBox(0, 0, 10, 10)),
            CocoGroundTruth.OfBox(2, 0, new CocoBox(6, 0, 10, 10)),
        };
        var marked = OccludedSubset.Mark(truth);
        Assert.Equal([true, true, false, false], marked.Select(o => o.Ignored).ToArray());
    }

    [Fact]
    public void DetectionsOfObjectsOutsideTheSubsetCountNeitherWay()
    {
        // Image 1: P and Q overlap by half (both in the subset), R stands alone (outside it).
        var p = new CocoBox(0, 0, 40, 40);
        var q = new CocoBox(20, 0, 40, 40);
        var r = new CocoBox(200, 200, 40, 40);
        var truth = new[] { CocoGroundTruth.OfBox(1, 0, p), CocoGroundTruth.OfBox(1, 0, q), CocoGroundTruth.OfBox(1, 0, r) };
        var detections = new[]
        {
            new CocoDetection(1, 0, new CocoBox(400, 400, 30, 30), 0.95), // matches nothing: a false positive
            new CocoDetection(1, 0, r, 0.9),                              // R exactly: ignored in the subset
            new CocoDetection(1, 0, p, 0.8),                              // P exactly: the one hit; Q is missed
        };
        var (subset, objects) = OccludedSubset.Evaluate([1], [0], truth, detections);
        Assert.Equal(2, objects);
        // Subset: by score FP, (ignored), TP: precision 1/2 at recall 1/2 at every IoU threshold, so the 101-point
        // interpolated AP is 51 recall points (0.00..0.50) of 0.5.
        Assert.Equal(51 * 0.5 / 101, subset.AP, 12);
        Assert.Equal(51 * 0.5 / 101, subset.AP50, 12);
        Assert.Equal(0.5, subset.Stats[8], 12);
        // All objects: FP, TP, TP: precision 1/2 at 1/3 and 2/3 at 2/3, interpolated to 2/3 over recall 0..2/3 (67 points).
        var all = new CocoEvaluator([1], [0], truth).Evaluate(detections);
        Assert.Equal(67 * (2.0 / 3) / 101, all.AP, 12);
    }
}
