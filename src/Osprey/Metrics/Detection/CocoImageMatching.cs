namespace Osprey.Metrics.Detection;

/// <summary>
/// One image and category under one area range, matched as pycocotools' COCOeval.evaluateImg does it. Detections
/// are in decreasing score order (at most the largest maxDets); ground truth is reordered so that objects outside
/// the area range or crowds (both "ignored") come last.
/// </summary>
internal sealed class CocoImageMatching
{
    public required double[] Scores { get; init; }
    /// <summary>[threshold, detection]: matched to a ground-truth object (ignored or not).</summary>
    public required bool[,] Matched { get; init; }
    /// <summary>[threshold, detection]: neither true nor false positive (matched to an ignored object, or
    /// unmatched and itself outside the area range).</summary>
    public required bool[,] Ignored { get; init; }
    /// <summary>Ground-truth objects that count (not crowd, not ignored, area in range).</summary>
    public required int CountedObjects { get; init; }

    /// <summary>
    /// <paramref name="ious"/> [detection, object] for the score-sorted <paramref name="detections"/>; the objects in
    /// input order. For each threshold and each detection by score, the best remaining object with IoU at least the
    /// threshold (capped at 1 - 1e-10) wins, a later object replacing an earlier one on equal IoU; a counted object
    /// is matched once, a crowd any number of times, and the search stops at the first ignored object once a counted
    /// one has been found.
    /// </summary>
    public static CocoImageMatching Match(IReadOnlyList<CocoGroundTruth> objects, IReadOnlyList<CocoDetection> detections,
        double[,] ious, (double Min, double Max) area)
    {
        var thresholds = CocoParameters.IouThresholds;
        int t = thresholds.Count, d = detections.Count, g = objects.Count;
        var ignoredObject = objects.Select(o => o.IsCrowd || o.Ignored || o.Area < area.Min || o.Area > area.Max).ToArray();
        // numpy's stable argsort of the ignore flags: counted objects first, each group in input order.
        var order = Enumerable.Range(0, g).OrderBy(i => ignoredObject[i] ? 1 : 0).ToArray();
        var objectMatched = new bool[t, g];
        var matched = new bool[t, d];
        var ignored = new bool[t, d];
        for (int ti = 0; ti < t; ti++)
        {
            for (int di = 0; di < d; di++)
            {
                double best = Math.Min(thresholds[ti], 1 - 1e-10);
                int m = -1;
                for (int gi = 0; gi < g; gi++)
                {
                    int o = order[gi];
                    if (objectMatched[ti, gi] && !objects[o].IsCrowd) continue;
                    if (m > -1 && !ignoredObject[order[m]] && ignoredObject[o]) break;
                    if (ious[di, o] < best) continue;
                    best = ious[di, o];
                    m = gi;
                }
                if (m == -1) continue;
                ignored[ti, di] = ignoredObject[order[m]];
                matched[ti, di] = true;
                objectMatched[ti, m] = true;
            }
            for (int di = 0; di < d; di++)
            {
                double detectionArea = detections[di].Box.Area;
                if (!matched[ti, di] && (detectionArea < area.Min || detectionArea > area.Max)) ignored[ti, di] = true;
            }
        }
        return new CocoImageMatching
        {
            Scores = detections.Select(x => x.Score).ToArray(),
            Matched = matched,
            Ignored = ignored,
            CountedObjects = ignoredObject.Count(i => !i),
        };
    }

    /// <summary>pycocotools' bbIou: intersection over union of boxes, over the detection's area for a crowd.</summary>
    public static double[,] Ious(IReadOnlyList<CocoDetection> detections, IReadOnlyList<CocoGroundTruth> objects)
    {
        var result = new double[detections.Count, objects.Count];
        for (int gi = 0; gi < objects.Count; gi++)
        {
            var gb = objects[gi].Box;
            double objectArea = gb.Width * gb.Height;
            for (int di = 0; di < detections.Count; di++)
            {
                var db = detections[di].Box;
                double detectionArea = db.Width * db.Height;
                double w = Math.Min(db.Width + db.X, gb.Width + gb.X) - Math.Max(db.X, gb.X);
                if (w <= 0) continue;
                double h = Math.Min(db.Height + db.Y, gb.Height + gb.Y) - Math.Max(db.Y, gb.Y);
                if (h <= 0) continue;
                double intersection = w * h;
                double union = objects[gi].IsCrowd ? detectionArea : detectionArea + objectArea - intersection;
                result[di, gi] = intersection / union;
            }
        }
        return result;
    }
}
