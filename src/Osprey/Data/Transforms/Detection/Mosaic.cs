using Osprey.Torch;

namespace Osprey.Data.Transforms.Detection;

/// <summary>
/// ultralytics' 4-image mosaic as a pure function of the four samples and a <see cref="Random"/> (the dataset wrapper
/// chooses the three partners and owns the seeded generator). Each sample is first resized so its long side is
/// imgsz (ultralytics' load_image: min(ceil(w r), imgsz) x min(ceil(h r), imgsz), bilinear), then the four tiles
/// meet at a centre drawn from U(imgsz/2, 3 imgsz/2) on a 2 imgsz canvas filled with 114: top-left, top-right,
/// bottom-left, bottom-right, each cut where it leaves the canvas. Boxes are shifted with their tile, clipped to the
/// canvas and dropped when no area is left. Follow with <see cref="RandomPerspective"/> and border
/// <see cref="Border"/> to come back to imgsz, as ultralytics does.
/// </summary>
public static class Mosaic
{
    /// <summary>ultralytics' mosaic border, -imgsz // 2 (Python floor division).</summary>
    public static int Border(int imgsz) => (int)Math.Floor(-imgsz / 2.0);

    public static Sample Apply(Sample[] four, int imgsz, Random random)
    {
        if (four.Length != 4) throw new ArgumentException($"mosaic takes 4 samples, got {four.Length}", nameof(four));
        if (imgsz <= 0) throw new ArgumentOutOfRangeException(nameof(imgsz), imgsz, "imgsz must be positive");
        int border = Border(imgsz);
        double U(double a, double b) => a + (b - a) * random.NextDouble();
        int yc = (int)U(-border, 2 * imgsz + border), xc = (int)U(-border, 2 * imgsz + border); // ultralytics draws y first
        return Apply(four, imgsz, xc, yc);
    }

    /// <summary>The mosaic with its centre given (the tiles meet at <paramref name="xc"/>, <paramref name="yc"/>).</summary>
    public static Sample Apply(Sample[] four, int imgsz, int xc, int yc)
    {
        if (four.Length != 4) throw new ArgumentException($"mosaic takes 4 samples, got {four.Length}", nameof(four));
        int s = imgsz;
        using var scope = TensorScope.Begin();
        long channels = four[0].Image.Size(0);
        var canvas = Tensor.Full([channels, 2 * s, 2 * s], 114, DType.UInt8);
        var boxes = new List<float>();
        var labels = new List<long>();
        for (int i = 0; i < 4; i++)
        {
            var tile = LoadResize(four[i], imgsz);
            if (tile.Image.Size(0) != channels) throw new ArgumentException($"mosaic sample {i} has {tile.Image.Size(0)} channels, sample 0 has {channels}");
            int h = (int)tile.Height, w = (int)tile.Width;
            int x1a, y1a, x2a, y2a, x1b, y1b, x2b, y2b;
            switch (i)
            {
                case 0:
                    (x1a, y1a, x2a, y2a) = (Math.Max(xc - w, 0), Math.Max(yc - h, 0), xc, yc);
                    (x1b, y1b, x2b, y2b) = (w - (x2a - x1a), h - (y2a - y1a), w, h);
                    break;
                case 1:
                    (x1a, y1a, x2a, y2a) = (xc, Math.Max(yc - h, 0), Math.Min(xc + w, 2 * s), yc);
                    (x1b, y1b, x2b, y2b) = (0, h - (y2a - y1a), Math.Min(w, x2a - x1a), h);
                    break;
                case 2:
                    (x1a, y1a, x2a, y2a) = (Math.Max(xc - w, 0), yc, xc, Math.Min(2 * s, yc + h));
                    (x1b, y1b, x2b, y2b) = (w - (x2a - x1a), 0, w, Math.Min(y2a - y1a, h));
                    break;
                default:
                    (x1a, y1a, x2a, y2a) = (xc, yc, Math.Min(xc + w, 2 * s), Math.Min(2 * s, yc + h));
                    (x1b, y1b, x2b, y2b) = (0, 0, Math.Min(w, x2a - x1a), Math.Min(y2a - y1a, h));
                    break;
            }
            if (x2a > x1a && y2a > y1a)
                canvas.Narrow(1, y1a, y2a - y1a).Narrow(2, x1a, x2a - x1a)
                      .CopyFrom(tile.Image.Narrow(1, y1b, y2b - y1b).Narrow(2, x1b, x2b - x1b));
            int padw = x1a - x1b, padh = y1a - y1b;
            if (tile.Boxes == null) continue;
            var b = tile.Boxes.ToArray<float>();
            var l = tile.BoxLabels?.ToArray<long>() ?? new long[b.Length / 4];
            for (int k = 0; k < l.Length; k++)
            {
                float bx1 = Math.Clamp(b[4 * k] + padw, 0, 2 * s), by1 = Math.Clamp(b[4 * k + 1] + padh, 0, 2 * s);
                float bx2 = Math.Clamp(b[4 * k + 2] + padw, 0, 2 * s), by2 = Math.Clamp(b[4 * k + 3] + padh, 0, 2 * s);
                if (bx2 - bx1 <= 0 || by2 - by1 <= 0) continue; // ultralytics' remove_zero_area_boxes
                boxes.AddRange([bx1, by1, bx2, by2]);
                labels.Add(l[k]);
            }
        }
        var result = new Sample(canvas)
        {
            Boxes = Tensor.From(boxes.ToArray(), labels.Count, 4),
            BoxLabels = Tensor.From(labels.ToArray(), labels.Count),
            Source = $"mosaic({string.Join(", ", four.Select(f => f.Source))})",
        };
        foreach (var t in result.Tensors()) scope.Keep(t);
        return result;
    }

    /// <summary>ultralytics' load_image: the long side to imgsz, aspect kept (ceil, capped at imgsz).</summary>
    public static Sample LoadResize(Sample s, int imgsz)
    {
        long h0 = s.Height, w0 = s.Width;
        double r = (double)imgsz / Math.Max(h0, w0);
        if (r == 1) return s;
        long w = Math.Min((long)Math.Ceiling(w0 * r), imgsz), h = Math.Min((long)Math.Ceiling(h0 * r), imgsz);
        return Geometry.Resize(s, h, w);
    }
}
