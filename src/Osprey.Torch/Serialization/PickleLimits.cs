namespace Osprey.Torch.Serialization;

/// <summary>
/// Bounds that keep a malformed or hostile file from exhausting memory or time, or recursing without end.
/// The defaults are far above what real checkpoints need (a YOLO model pickle has ~10^5 memo entries and is a few MB).
/// With them, loading costs memory in proportion to the file's size plus at most <see cref="MaxInflatedBytes"/>.
/// </summary>
public sealed record PickleLimits
{
    /// <summary>Largest pickle stream (data.pkl, or a whole legacy-format file's pickles) read into memory, 256 MB.</summary>
    public long MaxPickleBytes { get; init; } = 256L << 20;

    /// <summary>Largest checkpoint file opened at all, 64 GB.</summary>
    public long MaxFileBytes { get; init; } = 64L << 30;

    /// <summary>
    /// How many bytes deflated zip members may add, in total, beyond their compressed size (256 MB). torch.save stores
    /// members uncompressed; this bounds what a re-zipped (or hostile) archive can inflate to. Every member is also
    /// bounded by what it must hold: data.pkl by <see cref="MaxPickleBytes"/>, a storage record by its declared tensor size.
    /// </summary>
    public long MaxInflatedBytes { get; init; } = 256L << 20;

    /// <summary>Most modules visited while collecting a pickled nn.Module's state dict (a module shared by several
    /// parents is visited once per path, as PyTorch's state_dict() does), and most entries it may yield.</summary>
    public int MaxStateDictVisits { get; init; } = 1 << 20;

    /// <summary>Most element comparisons all dict-key and set-member lookups of one pickle may make together
    /// (equal-but-distinct tuple keys are compared element by element), 2^24.</summary>
    public long MaxKeyCompareSteps { get; init; } = 1 << 24;

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
