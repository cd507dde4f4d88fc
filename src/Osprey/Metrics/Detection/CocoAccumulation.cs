namespace Osprey.Metrics.Detection;

/// <summary>pycocotools' COCOeval.accumulate: precision at the 101 recall points and final recall, per IoU
/// threshold, category, area range and maxDets, from the per-image matchings.</summary>
internal static class CocoAccumulation
{
    public static CocoEvaluation Accumulate(int[] categoryIds, List<CocoImageMatching>[,] matchings)
    {
        var recallPoints = CocoParameters.RecallThresholds;
        var maxDets = CocoParameters.MaxDetections;
        int T = CocoParameters.IouThresholds.Count, R = recallPoints.Count, K = categoryIds.Length;
        int A = CocoParameters.AreaRanges.Count, M = maxDets.Count;
        var precision = new CocoArray([T, R, K, A, M]);
        var recall = new CocoArray([T, K, A, M]);
        for (int k = 0; k < K; k++)
            for (int a = 0; a < A; a++)
            {
                var images = matchings[k, a];
                if (images.Count == 0) continue;
                int counted = images.Sum(e => e.CountedObjects);
                if (counted == 0) continue;
                for (int m = 0; m < M; m++)
                {
                    // Each image's best maxDets detections, then all of them by decreasing score (stable: ties go
                    // by image id, then by the image's own order).
                    var pool = images.SelectMany((e, image) => Enumerable.Range(0, Math.Min(maxDets[m], e.Scores.Length))
                            .Select(d => (Image: image, Detection: d, Score: e.Scores[d])))
                        .OrderByDescending(x => x.Score).ToArray();
                    for (int t = 0; t < T; t++)
                    {
                        var (pr, rc) = Curve(pool, images, t, counted);
                        recall[t, k, a, m] = rc.Length > 0 ? rc[^1] : 0;
                        for (int i = pr.Length - 1; i > 0; i--)
                            if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
                        for (int r = 0; r < R; r++)
                        {
                            // A recall point the curve never reaches has precision 0.
                            int first = FirstAtLeast(rc, recallPoints[r]);
                            precision[t, r, k, a, m] = first < pr.Length ? pr[first] : 0;
                        }
                    }
                }
            }
        return new CocoEvaluation(categoryIds, precision, recall);
    }

    /// <summary>Precision tp / (tp + fp + eps) and recall tp / counted after each detection of the pool (ignored
    /// ones included: pycocotools' cumulative sums run over every detection).</summary>
    static (double[] Precision, double[] Recall) Curve((int Image, int Detection, double Score)[] pool,
        List<CocoImageMatching> images, int t, int counted)
    {
        var precision = new double[pool.Length];
        var recall = new double[pool.Length];
        double tp = 0, fp = 0;
        for (int i = 0; i < pool.Length; i++)
        {
            var e = images[pool[i].Image];
            int d = pool[i].Detection;
            if (!e.Ignored[t, d])
            {
                if (e.Matched[t, d]) tp++;
                else fp++;
            }
            recall[i] = tp / counted;
            precision[i] = tp / (fp + tp + Epsilon);
        }
        return (precision, recall);
    }

    /// <summary>numpy.spacing(1): the gap between 1 and the next double, pycocotools' guard against 0 / 0.</summary>
    const double Epsilon = 2.220446049250313e-16;

    /// <summary>numpy.searchsorted(values, key, side='left') on non-decreasing values.</summary>
    static int FirstAtLeast(double[] values, double key)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (values[mid] < key) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
