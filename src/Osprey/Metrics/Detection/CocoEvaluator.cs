namespace Osprey.Metrics.Detection;

/// <summary>
/// The COCO bbox evaluation, equal to pycocotools' COCOeval (evaluate, accumulate, summarize) with its default
/// parameters: IoU thresholds 0.50:0.05:0.95, 101 recall points, maxDets 1 / 10 / 100, area ranges all / small /
/// medium / large, crowd regions as ignored objects (IoU over the detection's area). Built once per ground-truth
/// set (images, categories, objects); <see cref="Evaluate"/> scores a list of detections.
/// </summary>
public sealed class CocoEvaluator
{
    readonly long[] imageIds;
    readonly int[] categoryIds;
    readonly Dictionary<(long Image, int Category), List<CocoGroundTruth>> objects = [];

    /// <param name="imageIds">Every evaluated image, with or without objects (detections on an image without objects
    /// are false positives).</param>
    /// <param name="categoryIds">Every category; one without objects has no AP and is left out of the means.</param>
    public CocoEvaluator(IEnumerable<long> imageIds, IEnumerable<int> categoryIds, IEnumerable<CocoGroundTruth> groundTruth)
    {
        this.imageIds = imageIds.Distinct().Order().ToArray();
        this.categoryIds = categoryIds.Distinct().Order().ToArray();
        var images = this.imageIds.ToHashSet();
        var categories = this.categoryIds.ToHashSet();
        int index = 0;
        foreach (var o in groundTruth)
        {
            if (!images.Contains(o.ImageId))
                throw new ArgumentException($"COCO evaluation: ground truth {index} has image id {o.ImageId}, which is not among the {images.Count} images");
            if (!categories.Contains(o.CategoryId))
                throw new ArgumentException($"COCO evaluation: ground truth {index} has category id {o.CategoryId}, expected one of [{string.Join(", ", this.categoryIds)}]");
            if (!o.Box.IsFinite || !double.IsFinite(o.Area))
                throw new ArgumentException($"COCO evaluation: ground truth {index} (image {o.ImageId}) has a non-finite box or area");
            Group(objects, (o.ImageId, o.CategoryId)).Add(o);
            index++;
        }
    }

    public IReadOnlyList<long> ImageIds => imageIds;
    public IReadOnlyList<int> CategoryIds => categoryIds;

    public CocoEvaluation Evaluate(IEnumerable<CocoDetection> detections)
    {
        var byImage = GroupDetections(detections);
        var areas = CocoParameters.AreaRanges;
        int maxDetections = CocoParameters.MaxDetections[^1];
        // [category][area] -> the matchings of the images that have objects or detections of that category, by image id.
        var matchings = new List<CocoImageMatching>[categoryIds.Length, areas.Count];
        for (int k = 0; k < categoryIds.Length; k++)
        {
            for (int a = 0; a < areas.Count; a++) matchings[k, a] = [];
            foreach (var image in imageIds)
            {
                var key = (image, categoryIds[k]);
                var truth = objects.TryGetValue(key, out var o) ? o : [];
                var found = byImage.TryGetValue(key, out var dt) ? dt : [];
                if (truth.Count == 0 && found.Count == 0) continue;
                // The stable sort by decreasing score pycocotools uses: equal scores keep their input order.
                var best = found.OrderByDescending(x => x.Score).Take(maxDetections).ToList();
                var ious = CocoImageMatching.Ious(best, truth);
                for (int a = 0; a < areas.Count; a++)
                    matchings[k, a].Add(CocoImageMatching.Match(truth, best, ious, (areas[a].Min, areas[a].Max)));
            }
        }
        return CocoAccumulation.Accumulate(categoryIds, matchings);
    }

    Dictionary<(long Image, int Category), List<CocoDetection>> GroupDetections(IEnumerable<CocoDetection> detections)
    {
        var images = imageIds.ToHashSet();
        var categories = categoryIds.ToHashSet();
        var groups = new Dictionary<(long Image, int Category), List<CocoDetection>>();
        int index = 0;
        foreach (var d in detections)
        {
            if (!images.Contains(d.ImageId))
                throw new ArgumentException($"COCO evaluation: detection {index} has image id {d.ImageId}, which is not among the ground-truth images");
            if (!categories.Contains(d.CategoryId))
                throw new ArgumentException($"COCO evaluation: detection {index} has category id {d.CategoryId}, expected one of [{string.Join(", ", categoryIds)}]");
            if (!d.Box.IsFinite || !double.IsFinite(d.Score))
                throw new ArgumentException($"COCO evaluation: detection {index} (image {d.ImageId}) has a non-finite box or score");
            Group(groups, (d.ImageId, d.CategoryId)).Add(d);
            index++;
        }
        return groups;
    }

    static List<T> Group<T>(Dictionary<(long, int), List<T>> groups, (long, int) key)
    {
        if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
        return list;
    }
}
