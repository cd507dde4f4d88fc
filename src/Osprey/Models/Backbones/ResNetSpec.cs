namespace Osprey.Models.Backbones;

/// <summary>Which block and how many per stage, for ResNet-18/34/50/101/152.</summary>
public sealed record ResNetSpec(int Depth, bool Bottleneck, int[] Layers)
{
    public static ResNetSpec ForDepth(int depth) => depth switch
    {
        18 => new(18, false, [2, 2, 2, 2]),
        34 => new(34, false, [3, 4, 6, 3]),
        50 => new(50, true, [3, 4, 6, 3]),
        101 => new(101, true, [3, 4, 23, 3]),
        152 => new(152, true, [3, 8, 36, 3]),
        _ => throw new ArgumentException($"ResNet depth must be 18, 34, 50, 101 or 152, got {depth}"),
    };

    public long Expansion => Bottleneck ? Osprey.Models.Layers.Bottleneck.Expansion : Osprey.Models.Layers.BasicBlock.Expansion;
}
