using System.Globalization;

namespace Osprey.Models;

/// <summary>
/// What a caller may choose when building a registered model; null keeps the model's default. <see cref="ImageSize"/>
/// is the training input side (some defaults depend on it); <see cref="Options"/> holds the family's own choices by
/// key (see <see cref="ModelOption"/>), as text.
/// </summary>
public sealed record ModelArgs(long? NumClasses = null, long? InChannels = null, long? ImageSize = null,
                               IReadOnlyDictionary<string, string>? Options = null)
{
    public string? Option(string key) => Options != null && Options.TryGetValue(key, out var v) ? v : null;

    public long? Integer(string key) => Option(key) is { } text
        ? long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
          : throw new ArgumentException($"model option '{key}' = '{text}': expected an integer")
        : null;

    public double? Number(string key) => Option(key) is { } text
        ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
          : throw new ArgumentException($"model option '{key}' = '{text}': expected a number")
        : null;

    public bool? Boolean(string key) => Option(key) is { } text
        ? bool.TryParse(text, out var v) ? v : throw new ArgumentException($"model option '{key}' = '{text}': expected true or false")
        : null;

    /// <summary>These arguments with one option set (or removed, for null).</summary>
    public ModelArgs With(string key, string? value)
    {
        var options = new Dictionary<string, string>(Options ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (value is null) options.Remove(key); else options[key] = value;
        return this with { Options = options };
    }
}
