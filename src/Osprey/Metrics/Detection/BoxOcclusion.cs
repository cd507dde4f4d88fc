namespace Osprey.Metrics.Detection;

/// <summary>
/// How much of each box of one image the other boxes of that image cover: the area of the union of its
/// intersections with every other box, over its own area (0 for a box no other box touches, 1 for one inside the
/// union of others; 0 for an empty box). Boxes carry no depth, so two overlapping boxes count each other as
/// occluders: this is an upper bound on the occlusion of the objects' pixels.
/// </summary>
public static class BoxOcclusion
{
    /// <param name="corners">x0, y0, x1, y1 per box.</param>
    public static double[] Of(ReadOnlySpan<float> corners)
    {
        if (corners.Length % 4 != 0) throw new ArgumentException($"box occlusion: {corners.Length} values is not a whole number of boxes (4 each)");
        int n = corners.Length / 4;
        var boxes = new (double X0, double Y0, double X1, double Y1)[n];
        for (int i = 0; i < n; i++) boxes[i] = (corners[4 * i], corners[4 * i + 1], corners[4 * i + 2], corners[4 * i + 3]);
        var result = new double[n];
        var pieces = new List<(double X0, double Y0, double X1, double Y1)>();
        for (int i = 0; i < n; i++)
        {
            var b = boxes[i];
            double area = Math.Max(0, b.X1 - b.X0) * Math.Max(0, b.Y1 - b.Y0);
            if (area <= 0) continue;
            pieces.Clear();
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                var o = boxes[j];
                var piece = (Math.Max(b.X0, o.X0), Math.Max(b.Y0, o.Y0), Math.Min(b.X1, o.X1), Math.Min(b.Y1, o.Y1));
                if (piece.Item3 > piece.Item1 && piece.Item4 > piece.Item2) pieces.Add(piece);
            }
            result[i] = Math.Min(1, UnionArea(pieces) / area);
        }
        return result;
    }

    /// <summary>The area of a union of rectangles, exactly: over the grid of their distinct x and y edges, the cells some rectangle covers.</summary>
    static double UnionArea(List<(double X0, double Y0, double X1, double Y1)> rectangles)
    {
        if (rectangles.Count == 0) return 0;
        var xs = rectangles.SelectMany(r => new[] { r.X0, r.X1 }).Distinct().Order().ToArray();
        var ys = rectangles.SelectMany(r => new[] { r.Y0, r.Y1 }).Distinct().Order().ToArray();
        double total = 0;
        for (int a = 0; a + 1 < xs.Length; a++)
            for (int c = 0; c + 1 < ys.Length; c++)
            {
                double cx = (xs[a] + xs[a + 1]) / 2, cy = (ys[c] + ys[c + 1]) / 2;
                if (rectangles.Any(r => r.X0 <= cx && cx <= r.X1 && r.Y0 <= cy && cy <= r.Y1))
                    total += (xs[a + 1] - xs[a]) * (ys[c + 1] - ys[c]);
            }
        return total;
    }
}
