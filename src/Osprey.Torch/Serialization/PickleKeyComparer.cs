namespace Osprey.Torch.Serialization;

/// <summary>
/// Dict keys and set members as Python compares them for the types a pickle yields: tuples
/// (object?[]) and bytes (byte[]) by content, everything else by value. Tuples are immutable and their
/// depth is bounded by the unpickler, so the recursion here is bounded too.
/// </summary>
public sealed class PickleKeyComparer : IEqualityComparer<object?>
{
    public static readonly PickleKeyComparer Instance = new();

    public new bool Equals(object? x, object? y) => (x, y) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (object?[] a, object?[] b) => a.Length == b.Length && a.Zip(b).All(p => Equals(p.First, p.Second)),
        (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
        _ => x.Equals(y),
    };

    public int GetHashCode(object? obj)
    {
        switch (obj)
        {
            case null: return 0;
            case object?[] tuple:
            {
                var hash = new HashCode();
                foreach (var item in tuple) hash.Add(GetHashCode(item));
                return hash.ToHashCode();
            }
            case byte[] bytes:
            {
                var hash = new HashCode();
                hash.AddBytes(bytes);
                return hash.ToHashCode();
            }
            default: return obj.GetHashCode();
        }
    }
}
