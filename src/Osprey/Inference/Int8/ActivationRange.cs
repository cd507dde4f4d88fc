namespace Osprey.Inference.Int8;

/// <summary>
/// The smallest and largest value a tensor took over the calibration batches, and the affine quint8 quantization that
/// covers it (PyTorch's MinMaxObserver: the range widened to hold 0, scale = (max - min) / 255, zero point = the
/// integer that 0 maps to), computed in float32 as the observer computes it, so both choose the same parameters.
/// </summary>
public readonly record struct ActivationRange(double Min, double Max)
{
    public ActivationRange Including(double min, double max) => new(Math.Min(Min, min), Math.Max(Max, max));

    /// <summary>The range after a ReLU: nothing below 0.</summary>
    public ActivationRange Rectified => new(Math.Max(Min, 0), Math.Max(Max, 0));

    public double Scale => Math.Max(((float)Math.Max(Max, 0) - (float)Math.Min(Min, 0)) / 255f, FloatEpsilon);

    public long ZeroPoint => Math.Clamp(-(long)MathF.Round((float)Math.Min(Min, 0) / (float)Scale), 0, 255);

    /// <summary>torch.finfo(torch.float32).eps, the observers' smallest scale.</summary>
    internal const float FloatEpsilon = 1.1920929e-07f;

    public static ActivationRange Empty => new(double.PositiveInfinity, double.NegativeInfinity);
}
