namespace Osprey.Data.Datasets.Scenes;

/// <summary>One placed item. The box is the item's full extent (all its pixels, hidden ones included), x2/y2 exclusive
/// pixel edges, as ultralytics users expect full-object boxes; <see cref="VisiblePixels"/> are those not covered by
/// later items.</summary>
public sealed record SceneObject(int Class, int Item, int X1, int Y1, int X2, int Y2, int Pixels, int VisiblePixels)
{
    /// <summary>The fraction of the object's own pixels covered by objects painted after it.</summary>
    public double Occlusion => 1 - (double)VisiblePixels / Pixels;
}

/// <summary>A composed image: interleaved RGB, the index mask (0 background, class + 1 per pixel of the item on top),
/// and the objects in painting order.</summary>
public sealed record Scene(int Width, int Height, byte[] Rgb, byte[] Mask, IReadOnlyList<SceneObject> Objects);

/// <summary>
/// Composes one scene from a seeded <see cref="Random"/>: a background (<see cref="SceneBackgrounds"/>), then
/// Fashion-MNIST items resized to several scales, each tinted with a random colour shaded by the item's own
/// intensities, painted in order so later items occlude earlier ones. An item's pixels are those of the resized
/// 28x28 picture brighter than <see cref="Threshold"/>. Placements that would hide more than MaxOcclusion of an
/// earlier object are drawn again (20 tries, then the item is skipped), so every labelled object stays visible.
/// </summary>
public static class SceneComposer
{
    public const int Threshold = 48;
    const int Tries = 20;

    public static Scene Compose(Random random, IdxDataset items, FashionScenesOptions options)
    {
        int width = random.Next(options.MinSize, options.MaxSize + 1), height = random.Next(options.MinSize, options.MaxSize + 1);
        var rgb = new byte[width * height * 3];
        SceneBackgrounds.Paint(rgb, width, height, random);
        var owner = new int[width * height];
        Array.Fill(owner, -1);
        var placed = new List<(int Class, int Item, int X, int Y, int Size, byte[] Values, int X1, int Y1, int X2, int Y2, int Pixels)>();
        var visible = new List<int>();
        int count = random.Next(options.MinObjects, options.MaxObjects + 1);
        int shortSide = Math.Min(width, height);

        for (int k = 0; k < count; k++)
        {
            for (int attempt = 0; attempt < Tries; attempt++)
            {
                int item = random.Next(items.Count);
                double scale = Math.Exp(Math.Log(options.MinScale) + random.NextDouble() * (Math.Log(options.MaxScale) - Math.Log(options.MinScale)));
                int size = Math.Clamp((int)Math.Round(scale * shortSide), 8, shortSide);
                var values = ItemPixels(items, item, size);
                int x, y;
                if (placed.Count > 0 && random.NextDouble() < options.OverlapProbability)
                {
                    var over = placed[random.Next(placed.Count)];
                    double cx = over.X + over.Size / 2.0 + (random.NextDouble() - 0.5) * 1.2 * over.Size;
                    double cy = over.Y + over.Size / 2.0 + (random.NextDouble() - 0.5) * 1.2 * over.Size;
                    x = Math.Clamp((int)Math.Round(cx - size / 2.0), 0, width - size);
                    y = Math.Clamp((int)Math.Round(cy - size / 2.0), 0, height - size);
                }
                else
                {
                    x = random.Next(width - size + 1);
                    y = random.Next(height - size + 1);
                }
                var colour = Contrasting(SceneBackgrounds.RandomColour(random), rgb, width, x, y, size, values);
                if (!Extent(values, size, out int x1, out int y1, out int x2, out int y2, out int pixels) || pixels < 16) continue;
                if (!KeepsOthersVisible(values, size, x, y, width, owner, visible, placed.Select(p => p.Pixels).ToList(), options.MaxOcclusion)) continue;

                int id = placed.Count;
                visible.Add(0);
                for (int r = 0; r < size; r++)
                for (int c = 0; c < size; c++)
                {
                    byte v = values[r * size + c];
                    if (v <= Threshold) continue;
                    int at = (y + r) * width + x + c;
                    if (owner[at] >= 0) visible[owner[at]]--;
                    owner[at] = id;
                    visible[id]++;
                    float shade = 0.3f + 0.7f * v / 255f;
                    for (int ch = 0; ch < 3; ch++) rgb[at * 3 + ch] = (byte)Math.Clamp(MathF.Round(colour[ch] * shade), 0, 255);
                }
                placed.Add(((int)items.LabelOf(item), item, x, y, size, values, x + x1, y + y1, x + x2, y + y2, pixels));
                break;
            }
        }
        var mask = new byte[width * height];
        for (int i = 0; i < mask.Length; i++) mask[i] = owner[i] < 0 ? (byte)0 : (byte)(placed[owner[i]].Class + 1);
        var objects = placed.Select((p, i) => new SceneObject(p.Class, p.Item, p.X1, p.Y1, p.X2, p.Y2, p.Pixels, visible[i])).ToArray();
        return new Scene(width, height, rgb, mask, objects);
    }

    /// <summary>The 28x28 item resized to size x size, bilinear with pixel-centre alignment (align_corners=False).</summary>
    static byte[] ItemPixels(IdxDataset items, int index, int size)
    {
        byte[] source;
        int rows, cols;
        using (var sample = items.Get(index))
        {
            source = sample.Image.ToBytes();
            rows = (int)sample.Image.Size(1);
            cols = (int)sample.Image.Size(2);
        }
        var result = new byte[size * size];
        float sy = (float)rows / size, sx = (float)cols / size;
        for (int r = 0; r < size; r++)
        {
            float fy = Math.Max(0, (r + 0.5f) * sy - 0.5f);
            int y0 = Math.Min((int)fy, rows - 1), y1 = Math.Min(y0 + 1, rows - 1);
            float wy = fy - y0;
            for (int c = 0; c < size; c++)
            {
                float fx = Math.Max(0, (c + 0.5f) * sx - 0.5f);
                int x0 = Math.Min((int)fx, cols - 1), x1 = Math.Min(x0 + 1, cols - 1);
                float wx = fx - x0;
                float top = source[y0 * cols + x0] * (1 - wx) + source[y0 * cols + x1] * wx;
                float bottom = source[y1 * cols + x0] * (1 - wx) + source[y1 * cols + x1] * wx;
                result[r * size + c] = (byte)Math.Clamp(MathF.Round(top * (1 - wy) + bottom * wy), 0, 255);
            }
        }
        return result;
    }

    static bool Extent(byte[] values, int size, out int x1, out int y1, out int x2, out int y2, out int pixels)
    {
        x1 = y1 = int.MaxValue;
        x2 = y2 = int.MinValue;
        pixels = 0;
        for (int r = 0; r < size; r++)
        for (int c = 0; c < size; c++)
        {
            if (values[r * size + c] <= Threshold) continue;
            pixels++;
            x1 = Math.Min(x1, c);
            y1 = Math.Min(y1, r);
            x2 = Math.Max(x2, c + 1);
            y2 = Math.Max(y2, r + 1);
        }
        return pixels > 0;
    }

    static bool KeepsOthersVisible(byte[] values, int size, int x, int y, int width, int[] owner, List<int> visible,
                                   List<int> pixels, double maxOcclusion)
    {
        if (visible.Count == 0) return true;
        var covered = new int[visible.Count];
        for (int r = 0; r < size; r++)
        for (int c = 0; c < size; c++)
            if (values[r * size + c] > Threshold && owner[(y + r) * width + x + c] is var o and >= 0)
                covered[o]++;
        for (int i = 0; i < covered.Length; i++)
            if (visible[i] - covered[i] < (1 - maxOcclusion) * pixels[i]) return false;
        return true;
    }

    /// <summary>The colour, or its complement when it is too close to what the item covers (background and earlier
    /// items) on average.</summary>
    static float[] Contrasting(float[] colour, byte[] rgb, int width, int x, int y, int size, byte[] values)
    {
        double[] mean = new double[3];
        int n = 0;
        for (int r = 0; r < size; r++)
        for (int c = 0; c < size; c++)
        {
            if (values[r * size + c] <= Threshold) continue;
            n++;
            for (int ch = 0; ch < 3; ch++) mean[ch] += rgb[((y + r) * width + x + c) * 3 + ch];
        }
        if (n == 0) return colour;
        double distance = 0;
        for (int ch = 0; ch < 3; ch++) distance += Math.Abs(colour[ch] - mean[ch] / n);
        if (distance / 3 >= 60) return colour;
        return [255 - colour[0], 255 - colour[1], 255 - colour[2]];
    }
}
