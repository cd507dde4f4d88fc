using System.Globalization;
using System.Text.RegularExpressions;

namespace Osprey.Inference.Onnx;

/// <summary>Reads the Python reprs of ultralytics-style ONNX metadata: <c>{0: 'cat', 1: 'dog'}</c> and <c>[0.5, 0.5]</c>.</summary>
static partial class OnnxMetadataText
{
    [GeneratedRegex(@"(\d+):\s*'((?:[^'\\]|\\.)*)'")]
    private static partial Regex NameEntry();

    public static IReadOnlyList<string> Names(string text, string source)
    {
        var names = new SortedDictionary<int, string>();
        foreach (Match m in NameEntry().Matches(text))
            names[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)] = Regex.Unescape(m.Groups[2].Value);
        if (names.Count == 0 || names.Keys.Last() != names.Count - 1)
            throw new InvalidDataException($"{source}: metadata 'names' must map 0..N-1 to names, got {text}");
        return names.Values.ToArray();
    }

    public static float[] Floats(string text, string key, string source)
    {
        var inner = text.Trim().TrimStart('[').TrimEnd(']');
        try
        {
            return inner.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                        .Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"{source}: metadata '{key}' must be a list of numbers, got {text}");
        }
    }
}
