using System.Collections;

namespace Osprey.Training;

/// <summary>A model's options as text by key, compared by content (so two equal <see cref="TrainOptions"/> are equal records).</summary>
public sealed class ModelOptionValues : IReadOnlyDictionary<string, string>, IEquatable<ModelOptionValues>
{
    readonly SortedDictionary<string, string> values;

    public static readonly ModelOptionValues Empty = new([]);

    public ModelOptionValues(IEnumerable<KeyValuePair<string, string>> values) =>
        this.values = new SortedDictionary<string, string>(values.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);

    /// <summary>These values with <paramref name="key"/> set, or removed for null.</summary>
    public ModelOptionValues With(string key, string? value)
    {
        var copy = new Dictionary<string, string>(values, StringComparer.Ordinal);
        if (value is null) copy.Remove(key); else copy[key] = value;
        return new ModelOptionValues(copy);
    }

    public string this[string key] => values[key];
    public IEnumerable<string> Keys => values.Keys;
    public IEnumerable<string> Values => values.Values;
    public int Count => values.Count;
    public bool ContainsKey(string key) => values.ContainsKey(key);
    public bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(ModelOptionValues? other) => other is not null && values.SequenceEqual(other.values);
    public override bool Equals(object? obj) => Equals(obj as ModelOptionValues);
    public override int GetHashCode() => values.Aggregate(0, (h, p) => HashCode.Combine(h, p.Key, p.Value));
    public override string ToString() => string.Join(", ", values.Select(p => $"{p.Key}={p.Value}"));
}
