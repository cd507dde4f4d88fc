namespace Osprey.Metrics.Detection;

/// <summary>
/// COCO evaluation restricted to the occluded objects, the case YOLO-FaceV2's SEAM attention is for: an object is in
/// the subset when more than <see cref="DefaultThreshold"/> (30%) of its box is covered by the other ground-truth
/// boxes of its image (<see cref="BoxOcclusion"/>; any class occludes, crowd regions too). Objects outside the subset
/// are ignored as COCOeval ignores objects outside an area range: a detection matched to one counts neither as a
/// true nor as a false positive, and it is no miss; unmatched detections stay false positives. A category without an
/// occluded object has no AP and is left out of the means.
/// </summary>
public static class OccludedSubset
{
    public const double DefaultThreshold = 0.3;

    /// <summary>The ground truth with every object that is not more than <paramref name="threshold"/> occluded marked
    /// <see cref="CocoGroundTruth.Ignored"/> (crowd regions stay crowds).</summary>
    public static List<CocoGroundTruth> Mark(IEnumerable<CocoGroundTruth> groundTruth, double threshold = DefaultThreshold)
    {
        if (!(threshold >= 0 && threshold < 1)) throw new ArgumentException($"occlusion threshold {threshold}: expected a value in [0, 1)");
        var result = new List<CocoGroundTruth>();
        foreach (var image in groundTruth.GroupBy(o => o.ImageId))
        {
            var objects = image.ToArray();
            var corners = objects.SelectMany(o => new[] { (float)o.Box.X, (float)o.Box.Y, (float)(o.Box.X + o.Box.Width), (float)(o.Box.Y + o.Box.Height) }).ToArray();
            var occlusion = BoxOcclusion.Of(corners);
            for (int i = 0; i < objects.Length; i++)
                result.Add(objects[i].IsCrowd ? objects[i] : objects[i] with { Ignored = objects[i].Ignored || occlusion[i] <= threshold });
        }
        return result;
    }

    /// <summary>The 12 COCO statistics over the occluded objects, and how many objects are in the subset.</summary>
    public static (CocoEvaluation Evaluation, int Objects) Evaluate(IEnumerable<long> imageIds, IEnumerable<int> categoryIds,
        IEnumerable<CocoGroundTruth> groundTruth, IEnumerable<CocoDetection> detections, double threshold = DefaultThreshold)
    {
        var marked = Mark(groundTruth, threshold);
        var evaluation = new CocoEvaluator(imageIds, categoryIds, marked).Evaluate(detections);
        return (evaluation, marked.Count(o => !o.IsCrowd && !o.Ignored));
    }
}
