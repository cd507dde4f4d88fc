namespace Osprey.Inference.Int8;

/// <summary>
/// The smallest and largest value a tensor took over the calibration batches, and the affine quint8 quantization that
/// covers it (PyTorch's MinMaxObserver: the range widened to hold 0, scale = (max - min) / 255, zero point = the
/// integer that 0 maps to).
/// </summary>
public readonly record struct ActivationRange(double Min, double Max)
{
    public ActivationRange Including(double min, double max) => new(Math.Min(Min, min), Math.Max(Max, max));

    /// <summary>The range after a ReLU: nothing below 0.</summary>
    public ActivationRange Rectified => new(Math.Max(Min, 0), Math.Max(Max, 0));

    public double Scale => Math.Max((Math.Max(Max, 0) - Math.Min(Min, 0)) / 255, float.Epsilon);

    public long ZeroPoint => Math.Clamp((long)Math.Round(-Math.Min(Min, 0) / Scale), 0, 255);

    public static ActivationRange Empty => new(double.PositiveInfinity, double.NegativeInfinity);
}
