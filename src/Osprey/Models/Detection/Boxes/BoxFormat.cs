using Osprey.Torch;

namespace Osprey.Models.Detection.Boxes;

/// <summary>Conversions between box encodings (last dimension 4).</summary>
public static class BoxFormat
{
    /// <summary>(cx, cy, w, h) to (x0, y0, x1, y1).</summary>
    public static Tensor CxCyWhToXyXy(Tensor boxes)
    {
        if (boxes.Dim < 1 || boxes.Size(-1) != 4)
            throw new ArgumentException($"CxCyWhToXyXy: boxes must end in 4 coordinates, got {boxes.Describe()}");
        using var scope = TensorScope.Begin();
        var c = boxes.Unbind(-1);
        var (cx, cy, w, h) = (c[0], c[1], c[2], c[3]);
        return scope.Keep(Tensor.Stack([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h], -1));
    }
}
