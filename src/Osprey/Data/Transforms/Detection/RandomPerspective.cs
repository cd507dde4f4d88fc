using Osprey.Torch;

namespace Osprey.Data.Transforms.Detection;

/// <summary>
/// ultralytics' RandomPerspective: M = T S R P C (centre, perspective, rotation + scale, shear, translation), the image
/// warped with border 114, each box's four corners transformed and re-boxed, clipped to the output, and kept only if
/// it passes <see cref="BoxCandidates"/> against the original box scaled by the drawn scale. The output size is the
/// input's plus twice <c>border</c> (ultralytics' mosaic border -imgsz/2 turns the 2 imgsz mosaic into imgsz).
/// Defaults are ultralytics' hyperparameters (degrees 0, translate 0.1, scale 0.5, shear 0, perspective 0).
/// </summary>
public sealed record RandomPerspective
{
    public double Degrees { get; init; }
    public double Translate { get; init; } = 0.1;
    public double Scale { get; init; } = 0.5;
    public double Shear { get; init; }
    public double Perspective { get; init; }

    /// <summary>The eight uniform draws in ultralytics' order: perspective x, y, angle, scale, shear x, y, translate x, y.</summary>
    public double[] Draw(Random random)
    {
        double U(double a, double b) => a + (b - a) * random.NextDouble();
        return
        [
            U(-Perspective, Perspective), U(-Perspective, Perspective), U(-Degrees, Degrees), U(1 - Scale, 1 + Scale),
            U(-Shear, Shear), U(-Shear, Shear), U(0.5 - Translate, 0.5 + Translate), U(0.5 - Translate, 0.5 + Translate),
        ];
    }

    /// <summary>ultralytics' affine_transform matrix for an input of width x height, output size (outW, outH) and
    /// the draws of <see cref="Draw"/> (row-major 3x3). cv2.getRotationMatrix2D(angle, centre 0, scale) is
    /// [[s cos, s sin, 0], [-s sin, s cos, 0]]; ultralytics builds the pieces in float32.</summary>
    public static double[] Matrix(int width, int height, int outWidth, int outHeight, double[] draws)
    {
        float F(double v) => (float)v;
        double[] c = [1, 0, F(-width / 2.0), 0, 1, F(-height / 2.0), 0, 0, 1];
        double[] p = [1, 0, 0, 0, 1, 0, F(draws[0]), F(draws[1]), 1];
        double a = draws[2] * Math.PI / 180, s = draws[3];
        double cos = s * Math.Cos(a), sin = s * Math.Sin(a);
        double[] r = [F(cos), F(sin), 0, F(-sin), F(cos), 0, 0, 0, 1];
        double[] sh = [1, F(Math.Tan(draws[4] * Math.PI / 180)), 0, F(Math.Tan(draws[5] * Math.PI / 180)), 1, 0, 0, 0, 1];
        double[] t = [1, 0, F(draws[6] * outWidth), 0, 1, F(draws[7] * outHeight), 0, 0, 1];
        var m = Warp.Multiply(t, Warp.Multiply(sh, Warp.Multiply(r, Warp.Multiply(p, c))));
        for (int i = 0; i < 9; i++) m[i] = F(m[i]); // numpy's float32 products
        return m;
    }

    /// <summary>Warps the sample; <paramref name="border"/> is ultralytics' (top/bottom, left/right) mosaic border.</summary>
    public Sample Apply(Sample s, Random random, int borderY = 0, int borderX = 0) => Apply(s, Draw(random), borderY, borderX);

    /// <summary>Warps the sample with the given draws (see <see cref="Draw"/>).</summary>
    public Sample Apply(Sample s, double[] draws, int borderY = 0, int borderX = 0)
    {
        int width = (int)s.Width, height = (int)s.Height;
        int outW = width + 2 * borderX, outH = height + 2 * borderY;
        if (outW <= 0 || outH <= 0) throw new ArgumentException($"border {borderY}, {borderX} leaves no image of {width}x{height}");
        var m = Matrix(width, height, outW, outH, draws);
        using var scope = TensorScope.Begin();
        bool identity = borderX == 0 && borderY == 0 && m.Select((v, i) => v == (i % 4 == 0 ? 1 : 0)).All(e => e);
        var image = identity ? s.Image : Warp.Apply(s.Image, m, outW, outH);
        Tensor? boxes = s.Boxes, labels = s.BoxLabels;
        if (s.Boxes != null)
        {
            var old = s.Boxes.ToArray<float>();
            var moved = TransformBoxes(old, m, Perspective != 0);
            for (int i = 0; i < moved.Length; i += 4)
            {
                moved[i] = Math.Clamp(moved[i], 0, outW);
                moved[i + 1] = Math.Clamp(moved[i + 1], 0, outH);
                moved[i + 2] = Math.Clamp(moved[i + 2], 0, outW);
                moved[i + 3] = Math.Clamp(moved[i + 3], 0, outH);
            }
            var scaled = old.Select(v => (float)(v * draws[3])).ToArray();
            var keep = BoxCandidates(scaled, moved);
            var kept = keep.SelectMany(i => moved.AsSpan(4 * i, 4).ToArray()).ToArray();
            boxes = Tensor.From(kept, keep.Length, 4);
            if (s.BoxLabels != null) labels = s.BoxLabels.IndexSelect(0, Tensor.From(keep.Select(i => (long)i).ToArray(), keep.Length));
        }
        return Geometry.Keep(scope, s, s with { Image = image, Boxes = boxes, BoxLabels = labels });
    }

    /// <summary>Each box's four corners through <paramref name="m"/>, re-boxed (ultralytics' apply_bboxes).</summary>
    public static float[] TransformBoxes(float[] boxes, double[] m, bool perspective)
    {
        var result = new float[boxes.Length];
        for (int i = 0; i < boxes.Length; i += 4)
        {
            float x1 = float.MaxValue, y1 = float.MaxValue, x2 = float.MinValue, y2 = float.MinValue;
            foreach (var (cx, cy) in new[] { (boxes[i], boxes[i + 1]), (boxes[i + 2], boxes[i + 3]), (boxes[i], boxes[i + 3]), (boxes[i + 2], boxes[i + 1]) })
            {
                float px = (float)(m[0] * cx + m[1] * cy + m[2]), py = (float)(m[3] * cx + m[4] * cy + m[5]);
                if (perspective)
                {
                    float pw = (float)(m[6] * cx + m[7] * cy + m[8]);
                    px /= pw;
                    py /= pw;
                }
                x1 = MathF.Min(x1, px); x2 = MathF.Max(x2, px);
                y1 = MathF.Min(y1, py); y2 = MathF.Max(y2, py);
            }
            (result[i], result[i + 1], result[i + 2], result[i + 3]) = (x1, y1, x2, y2);
        }
        return result;
    }

    /// <summary>ultralytics' box_candidates: indices of boxes whose new width and height exceed
    /// <paramref name="whThreshold"/> pixels, whose area is more than <paramref name="areaThreshold"/> of the
    /// (scaled) original's and whose aspect ratio is under <paramref name="aspectThreshold"/>.</summary>
    public static int[] BoxCandidates(float[] before, float[] after, float whThreshold = 2, float aspectThreshold = 100,
                                      float areaThreshold = 0.1f, float eps = 1e-16f)
    {
        var keep = new List<int>();
        for (int i = 0; i < before.Length / 4; i++)
        {
            float w1 = before[4 * i + 2] - before[4 * i], h1 = before[4 * i + 3] - before[4 * i + 1];
            float w2 = after[4 * i + 2] - after[4 * i], h2 = after[4 * i + 3] - after[4 * i + 1];
            float ar = MathF.Max(w2 / (h2 + eps), h2 / (w2 + eps));
            if (w2 > whThreshold && h2 > whThreshold && w2 * h2 / (w1 * h1 + eps) > areaThreshold && ar < aspectThreshold) keep.Add(i);
        }
        return keep.ToArray();
    }
}
