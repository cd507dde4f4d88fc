using Osprey.Torch;

namespace Osprey.Models.Detection.Boxes;

/// <summary>
/// The inverse of a letterbox (resize keeping the aspect, then pad to the network size): ultralytics' scale_boxes
/// moves (x0, y0, x1, y1) boxes from the network image back to the original image, then clips them to it.
/// </summary>
public static class LetterboxScaling
{
    /// <summary>
    /// The gain and padding a letterbox from <paramref name="original"/> to <paramref name="network"/> (height, width)
    /// used, as ultralytics reconstructs them: gain = min of the two ratios, padding = round(leftover / 2 - 0.1) per
    /// side (Python's round: halves to even).
    /// </summary>
    public static (double Gain, double PadX, double PadY) Geometry((int Height, int Width) network, (int Height, int Width) original)
    {
        if (network.Height <= 0 || network.Width <= 0 || original.Height <= 0 || original.Width <= 0)
            throw new ArgumentException($"scale boxes: image sizes must be positive, got network {network} and original {original}");
        double gain = Math.Min((double)network.Height / original.Height, (double)network.Width / original.Width);
        double padX = Math.Round((network.Width - original.Width * gain) / 2 - 0.1, MidpointRounding.ToEven);
        double padY = Math.Round((network.Height - original.Height * gain) / 2 - 0.1, MidpointRounding.ToEven);
        return (gain, padX, padY);
    }

    /// <summary>
    /// Boxes (4 coordinates each) from network pixels to original pixels: minus the padding (unless
    /// <paramref name="padding"/> is false), divided by the gain, clipped to the original image. The geometry is
    /// <paramref name="ratioPad"/> when the loader recorded it, else <see cref="Geometry"/>. float32 arithmetic as
    /// ultralytics' tensors do it.
    /// </summary>
    public static float[] ScaleBoxes((int Height, int Width) network, float[] boxes, (int Height, int Width) original,
        (double Gain, double PadX, double PadY)? ratioPad = null, bool padding = true)
    {
        if (boxes.Length % 4 != 0) throw new ArgumentException($"scale boxes: {boxes.Length} coordinates are not rows of 4");
        var (gain, padX, padY) = ratioPad ?? Geometry(network, original);
        if (!(gain > 0)) throw new ArgumentException($"scale boxes: the gain must be positive, got {gain}");
        float g = (float)gain, px = (float)padX, py = (float)padY;
        var result = new float[boxes.Length];
        for (int i = 0; i < boxes.Length; i += 4)
            for (int j = 0; j < 4; j++)
            {
                bool isX = j % 2 == 0;
                float v = padding ? boxes[i + j] - (isX ? px : py) : boxes[i + j];
                result[i + j] = Math.Clamp(v / g, 0f, isX ? original.Width : original.Height);
            }
        return result;
    }

    /// <summary>The same over a (K, 4 or more) float32 tensor of detections: the first four columns are scaled,
    /// the rest (confidence, class) kept.</summary>
    public static Tensor ScaleBoxes((int Height, int Width) network, Tensor detections, (int Height, int Width) original,
        (double Gain, double PadX, double PadY)? ratioPad = null, bool padding = true)
    {
        if (detections.Dim != 2 || detections.Size(1) < 4 || detections.DType != DType.Float32)
            throw new ArgumentException($"scale boxes: expected float32 (K, 4 or more) boxes, got {detections.Describe()}");
        int columns = (int)detections.Size(1);
        var values = detections.ToArray<float>();
        var boxes = new float[values.Length / columns * 4];
        for (int r = 0; r < values.Length / columns; r++) Array.Copy(values, r * columns, boxes, r * 4, 4);
        var scaled = ScaleBoxes(network, boxes, original, ratioPad, padding);
        for (int r = 0; r < values.Length / columns; r++) Array.Copy(scaled, r * 4, values, r * columns, 4);
        return Tensor.From(values, detections.Shape);
    }
}
