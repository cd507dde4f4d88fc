using System.Numerics;
using System.Runtime.CompilerServices;

namespace Osprey.Torch.Serialization;

/// <summary>
/// Dict keys and set members as Python compares them for the types a pickle yields: tuples (object?[]) and bytes
/// (byte[]) by content, everything else by value. Hostile files choose keys to defeat hashing, so:
/// <list type="bullet">
/// <item>Numbers hash all their bits through the per-process seeded <see cref="HashCode"/> (.NET's own long and double
/// hashes fold 64 bits into 32, so keys like k·(2^32+1) all collide); strings use .NET's randomized string hash.</item>
/// <item>A tuple's hash is computed once per tuple object and cached, so tuples sharing sub-tuples hash in linear time.</item>
/// <item>Equality checks identity first, and while a file is being loaded the element comparisons of all lookups
/// together are bounded (see <see cref="BeginBudget"/>): equal-but-distinct keys cannot make loading quadratic.</item>
/// </list>
/// </summary>
public sealed class PickleKeyComparer : IEqualityComparer<object?>
{
    public static readonly PickleKeyComparer Instance = new();

    static readonly ConditionalWeakTable<object?[], StrongBox<int>> TupleHashes = new();

    [ThreadStatic] static long budget;
    [ThreadStatic] static bool budgeted;

    /// <summary>Bounds the element comparisons made on this thread until the returned scope ends (used while unpickling).</summary>
    internal static IDisposable BeginBudget(long steps)
    {
        budget = steps;
        budgeted = true;
        return new BudgetScope();
    }

    sealed class BudgetScope : IDisposable
    {
        public void Dispose() => budgeted = false;
    }

    public new bool Equals(object? x, object? y)
    {
        if (ReferenceEquals(x, y)) return true;
        switch (x, y)
        {
            case (null, _) or (_, null): return false;
            case (object?[] a, object?[] b):
                if (a.Length != b.Length || GetHashCode(a) != GetHashCode(b)) return false;
                Spend(a.Length);
                for (int k = 0; k < a.Length; k++)
                    if (!Equals(a[k], b[k])) return false;
                return true;
            case (byte[] a, byte[] b):
                Spend(a.Length / 64 + 1);
                return a.AsSpan().SequenceEqual(b);
            case (string a, string b):
                Spend(a.Length / 64 + 1);
                return string.Equals(a, b, StringComparison.Ordinal);
            default:
                return x.Equals(y);
        }
    }

    static void Spend(long steps)
    {
        if (!budgeted) return;
        budget -= steps;
        if (budget < 0)
            throw new InvalidDataException("dict keys or set members take too much work to compare (many equal but distinct large keys)");
    }

    public int GetHashCode(object? obj)
    {
        switch (obj)
        {
            case null: return 0;
            case long v: return HashCode.Combine((int)v, (int)(v >> 32));
            case double d:
            {
                long bits = BitConverter.DoubleToInt64Bits(d == 0 ? 0.0 : d);  // 0.0 == -0.0
                return HashCode.Combine((int)bits, (int)(bits >> 32), 1);
            }
            case BigInteger big:
            {
                var hash = new HashCode();
                hash.AddBytes(big.ToByteArray());
                return hash.ToHashCode();
            }
            case object?[] tuple:
                return TupleHashes.GetValue(tuple, t =>
                {
                    var hash = new HashCode();
                    hash.Add(t.Length);
                    foreach (var item in t) hash.Add(GetHashCode(item));
                    return new StrongBox<int>(hash.ToHashCode());
                }).Value;
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
