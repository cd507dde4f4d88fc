namespace Osprey.Torch.NN;

/// <summary>torch.nn.Upsample: resize to <c>size</c> or by <c>scaleFactor</c>, mode "nearest" or "bilinear"
/// (alignCorners only for bilinear, default false).</summary>
public sealed class Upsample : Module<Tensor, Tensor>
{
    public Size2? Size { get; }
    public double? ScaleFactor { get; }
    public string Mode { get; }
    public bool? AlignCorners { get; }

    public Upsample(Size2? size = null, double? scaleFactor = null, string mode = "nearest", bool? alignCorners = null)
    {
        if ((size == null) == (scaleFactor == null))
            throw new ArgumentException("Upsample: give exactly one of size and scaleFactor");
        if (mode is not ("nearest" or "bilinear"))
            throw new ArgumentException($"Upsample: mode must be 'nearest' or 'bilinear', got '{mode}'");
        if (mode == "nearest" && alignCorners != null)
            throw new ArgumentException("Upsample: alignCorners only applies to bilinear mode");
        (Size, ScaleFactor, Mode, AlignCorners) = (size, scaleFactor, mode, alignCorners);
    }

    public override Tensor Forward(Tensor input) =>
        Functional.Interpolate(input, Size?.ToArray(), ScaleFactor, Mode, AlignCorners);

    public override string ToString() =>
        $"Upsample({(Size is { } s ? $"size={s}" : $"scale_factor={ScaleFactor}")}, mode='{Mode}')";
}
