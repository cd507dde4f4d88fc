using Osprey.Torch;

namespace Osprey.Data.Transforms.Detection;

/// <summary>Where a letterboxed image sits: scale ratio and padding, to map predictions back (ultralytics' ratio_pad).</summary>
public readonly record struct LetterBoxGeometry(double RatioX, double RatioY, int PadLeft, int PadTop, int ResizedWidth, int ResizedHeight);

/// <summary>
/// ultralytics' LetterBox (validation; the non-mosaic training path): scale by r = min(h'/h, w'/w) (no larger than 1
/// unless <c>ScaleUp</c>), resize to round(w r) x round(h r) bilinearly, pad with 114 — split evenly when
/// <c>Center</c> (left = round(dw/2 - 0.1), right = round(dw/2 + 0.1)), to a multiple of <c>Stride</c> only when
/// <c>Auto</c> — and boxes scaled by r and shifted by the padding (a mask, if any: nearest, padded with ignore). Defaults are ultralytics' (auto off, centred, pad 114).
/// </summary>
public sealed record LetterBox(int Height, int Width)
{
    public bool Auto { get; init; }
    public bool ScaleFill { get; init; }
    public bool ScaleUp { get; init; } = true;
    public bool Center { get; init; } = true;
    public int Stride { get; init; } = 32;
    public byte PadValue { get; init; } = 114;

    public LetterBox(int size) : this(size, size) { }

    public LetterBoxGeometry GeometryFor(int width, int height)
    {
        double r = Math.Min((double)Height / height, (double)Width / width);
        if (!ScaleUp) r = Math.Min(r, 1.0);
        double rx = r, ry = r;
        int newW = (int)Math.Round(width * r, MidpointRounding.ToEven), newH = (int)Math.Round(height * r, MidpointRounding.ToEven);
        double dw = Width - newW, dh = Height - newH;
        if (Auto)
        {
            dw %= Stride;
            dh %= Stride;
        }
        else if (ScaleFill)
        {
            (dw, dh, newW, newH) = (0, 0, Width, Height);
            (rx, ry) = ((double)Width / width, (double)Height / height);
        }
        if (Center)
        {
            dw /= 2;
            dh /= 2;
        }
        int left = Center ? (int)Math.Round(dw - 0.1, MidpointRounding.ToEven) : 0;
        int top = Center ? (int)Math.Round(dh - 0.1, MidpointRounding.ToEven) : 0;
        return new LetterBoxGeometry(rx, ry, left, top, newW, newH);
    }

    /// <summary>The right and bottom padding of an image letterboxed with <paramref name="g"/> (left and top are in it).</summary>
    public (int Right, int Bottom) FarPadding(LetterBoxGeometry g)
    {
        double dw = Width - g.ResizedWidth, dh = Height - g.ResizedHeight;
        if (Auto) { dw %= Stride; dh %= Stride; }
        else if (ScaleFill) { dw = 0; dh = 0; }
        if (Center) { dw /= 2; dh /= 2; }
        return ((int)Math.Round(dw + 0.1, MidpointRounding.ToEven), (int)Math.Round(dh + 0.1, MidpointRounding.ToEven));
    }

    public Sample Apply(Sample s)
    {
        var g = GeometryFor((int)s.Width, (int)s.Height);
        var (right, bottom) = FarPadding(g);

        using var scope = TensorScope.Begin();
        var resized = Geometry.Resize(s with { Boxes = null }, g.ResizedHeight, g.ResizedWidth);
        var image = PadConstant(resized.Image, g.PadLeft, right, g.PadTop, bottom, PadValue);
        var mask = resized.Mask == null ? null : PadConstant(resized.Mask, g.PadLeft, right, g.PadTop, bottom, Sample.IgnoreIndex);
        Tensor? boxes = null;
        if (s.Boxes != null)
            boxes = s.Boxes * Tensor.From(new[] { (float)g.RatioX, (float)g.RatioY, (float)g.RatioX, (float)g.RatioY })
                    + Tensor.From(new float[] { g.PadLeft, g.PadTop, g.PadLeft, g.PadTop });
        return Geometry.Keep(scope, s, s with { Image = image, Boxes = boxes, Mask = mask });
    }

    /// <summary>Boxes predicted on the letterboxed image back in the original image (ultralytics' scale_boxes), clipped.</summary>
    public static float[] ToOriginal(float[] boxes, LetterBoxGeometry g, int width, int height)
    {
        var result = new float[boxes.Length];
        for (int i = 0; i < boxes.Length; i += 4)
        {
            result[i] = (float)Math.Clamp((boxes[i] - g.PadLeft) / g.RatioX, 0, width);
            result[i + 1] = (float)Math.Clamp((boxes[i + 1] - g.PadTop) / g.RatioY, 0, height);
            result[i + 2] = (float)Math.Clamp((boxes[i + 2] - g.PadLeft) / g.RatioX, 0, width);
            result[i + 3] = (float)Math.Clamp((boxes[i + 3] - g.PadTop) / g.RatioY, 0, height);
        }
        return result;
    }

    static Tensor PadConstant(Tensor chw, int left, int right, int top, int bottom, double value) =>
        left + right + top + bottom == 0 ? chw : Osprey.Torch.NN.Functional.Pad(chw, [left, right, top, bottom], value: value);
}
