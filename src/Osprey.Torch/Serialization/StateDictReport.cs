using System.Text;

namespace Osprey.Torch.Serialization;

/// <summary>A key present on both sides whose shapes differ.</summary>
public sealed record ShapeMismatch(string Key, long[] Expected, long[] Actual)
{
    public override string ToString() => $"{Key}: expected [{string.Join(", ", Expected)}], got [{string.Join(", ", Actual)}]";
}

/// <summary>
/// How a state dict (name -> tensor) fits what a model expects (name -> shape): keys the model needs but
/// the state lacks, keys the state has but the model does not, and keys whose shapes differ. Each list is
/// sorted by key.
/// </summary>
public sealed class StateDictReport
{
    StateDictReport(string[] missing, string[] unexpected, ShapeMismatch[] mismatched) =>
        (Missing, Unexpected, Mismatched) = (missing, unexpected, mismatched);

    public IReadOnlyList<string> Missing { get; }
    public IReadOnlyList<string> Unexpected { get; }
    public IReadOnlyList<ShapeMismatch> Mismatched { get; }

    public bool IsClean => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0;

    public static StateDictReport Compare(IReadOnlyDictionary<string, long[]> expected, IReadOnlyDictionary<string, Tensor> actual)
    {
        var missing = expected.Keys.Where(k => !actual.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        var unexpected = actual.Keys.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        var mismatched = expected
            .Where(e => actual.ContainsKey(e.Key))
            .Select(e => (e.Key, Expected: e.Value, Actual: actual[e.Key].Shape))
            .Where(m => !m.Expected.SequenceEqual(m.Actual))
            .OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => new ShapeMismatch(m.Key, m.Expected, m.Actual))
            .ToArray();
        return new StateDictReport(missing, unexpected, mismatched);
    }

    /// <summary>One line per problem: "missing: key", "unexpected: key", "shape: key: expected [..], got [..]"; "clean" when none.</summary>
    public override string ToString()
    {
        if (IsClean) return "clean";
        var text = new StringBuilder();
        foreach (var k in Missing) text.AppendLine($"missing: {k}");
        foreach (var k in Unexpected) text.AppendLine($"unexpected: {k}");
        foreach (var m in Mismatched) text.AppendLine($"shape: {m}");
        return text.ToString().TrimEnd();
    }
}
