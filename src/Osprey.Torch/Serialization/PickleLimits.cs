namespace Osprey.Torch.Serialization;

/// <summary>
/// Bounds that keep a malformed or hostile pickle from exhausting memory or recursing without end.
/// The defaults are far above what real checkpoints need (a YOLO model pickle has ~10^5 memo entries).
/// </summary>
public sealed record PickleLimits
{
    /// <summary>Largest pickle stream (data.pkl) read into memory.</summary>
    public long MaxPickleBytes { get; init; } = 1L << 30;

    /// <summary>Most memo entries (BINPUT / MEMOIZE).</summary>
    public int MaxMemoEntries { get; init; } = 1 << 22;

    /// <summary>Most values on the unpickler's stack at once.</summary>
    public int MaxStackItems { get; init; } = 1 << 22;

    /// <summary>Most open MARKs at once.</summary>
    public int MaxMarks { get; init; } = 1 << 16;

    /// <summary>Deepest nesting of containers and objects (tuples in tuples, dicts in lists, ...).</summary>
    public int MaxDepth { get; init; } = 1000;

    /// <summary>Longest arbitrary-precision integer (LONG1 / LONG4), in bytes.</summary>
    public int MaxLongBytes { get; init; } = 256;

    public static readonly PickleLimits Default = new();
}
