namespace Osprey.Data.Datasets.Scenes;

/// <summary>
/// Paints a scene's background (interleaved RGB, row-major) in one of five styles — linear gradient, radial
/// gradient, smooth value noise, stripes, checkerboard — then adds per-pixel noise, so a detector cannot find the
/// items by looking for a flat colour.
/// </summary>
public static class SceneBackgrounds
{
    public const int Styles = 5;

    public static void Paint(byte[] rgb, int width, int height, Random random)
    {
        var c0 = RandomColour(random);
        var c1 = RandomColour(random);
        int style = random.Next(Styles);
        var value = new float[3];
        switch (style)
        {
            case 0: // linear gradient at a random angle
            {
                double angle = random.NextDouble() * Math.PI * 2;
                float dx = (float)Math.Cos(angle), dy = (float)Math.Sin(angle);
                float span = Math.Abs(dx) * width + Math.Abs(dy) * height;
                float offset = Math.Min(0, dx * width) + Math.Min(0, dy * height);
                Fill(rgb, width, height, (x, y) => (dx * x + dy * y - offset) / span, c0, c1);
                break;
            }
            case 1: // radial gradient from a random centre
            {
                float cx = (float)(random.NextDouble() * width), cy = (float)(random.NextDouble() * height);
                float radius = (float)(0.4 + random.NextDouble()) * Math.Max(width, height);
                Fill(rgb, width, height, (x, y) => Math.Min(1f, MathF.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) / radius), c0, c1);
                break;
            }
            case 2: // value noise: a coarse grid of random colours, bilinearly interpolated
            {
                int grid = 2 + random.Next(6);
                var colours = new float[(grid + 1) * (grid + 1)][];
                for (int i = 0; i < colours.Length; i++) colours[i] = RandomColour(random);
                for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    float gx = (float)x / width * grid, gy = (float)y / height * grid;
                    int ix = (int)gx, iy = (int)gy;
                    float fx = gx - ix, fy = gy - iy;
                    for (int c = 0; c < 3; c++)
                    {
                        float top = colours[iy * (grid + 1) + ix][c] * (1 - fx) + colours[iy * (grid + 1) + ix + 1][c] * fx;
                        float bottom = colours[(iy + 1) * (grid + 1) + ix][c] * (1 - fx) + colours[(iy + 1) * (grid + 1) + ix + 1][c] * fx;
                        value[c] = top * (1 - fy) + bottom * fy;
                    }
                    Set(rgb, (y * width + x) * 3, value);
                }
                break;
            }
            case 3: // stripes of a random period and angle
            {
                double angle = random.NextDouble() * Math.PI;
                float dx = (float)Math.Cos(angle), dy = (float)Math.Sin(angle);
                float period = 6 + (float)random.NextDouble() * 30;
                Fill(rgb, width, height, (x, y) => ((int)MathF.Floor((dx * x + dy * y) / period) & 1) == 0 ? 0f : 1f, c0, c1);
                break;
            }
            default: // checkerboard
            {
                int cell = 6 + random.Next(30);
                Fill(rgb, width, height, (x, y) => (((int)x / cell + (int)y / cell) & 1) == 0 ? 0f : 1f, c0, c1);
                break;
            }
        }
        int amplitude = random.Next(4, 25);
        for (int i = 0; i < rgb.Length; i++)
            rgb[i] = (byte)Math.Clamp(rgb[i] + random.Next(-amplitude, amplitude + 1), 0, 255);
    }

    public static float[] RandomColour(Random random) =>
        [random.Next(256), random.Next(256), random.Next(256)];

    static void Fill(byte[] rgb, int width, int height, Func<float, float, float> mix, float[] c0, float[] c1)
    {
        var value = new float[3];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            float t = mix(x, y);
            for (int c = 0; c < 3; c++) value[c] = c0[c] + (c1[c] - c0[c]) * t;
            Set(rgb, (y * width + x) * 3, value);
        }
    }

    static void Set(byte[] rgb, int at, float[] value)
    {
        for (int c = 0; c < 3; c++) rgb[at + c] = (byte)Math.Clamp(MathF.Round(value[c]), 0, 255);
    }
}
