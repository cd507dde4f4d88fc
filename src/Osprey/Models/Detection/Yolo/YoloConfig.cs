namespace Osprey.Models.Detection.Yolo;

/// <summary>Where something is in a model file (1-based line and column), for error messages.</summary>
public sealed record YoloSourceLocation(string Source, long Line, long Column)
{
    public override string ToString() => $"{Source}:{Line}:{Column}";
}

/// <summary>A compound-scaling entry: repeats scale with <see cref="Depth"/>, channels with <see cref="Width"/>,
/// capped at <see cref="MaxChannels"/> before scaling.</summary>
public sealed record YoloScale(double Depth, double Width, double MaxChannels);

/// <summary>An unquoted name in a row's arguments (such as <c>nc</c>), resolved when the model is built.</summary>
public sealed record YoloSymbol(string Name);

/// <summary>
/// One row <c>[from, repeats, module, args]</c>. <see cref="From"/> holds the indices as written (-1 is the previous
/// layer); <see cref="FromIsList"/> tells <c>[-1, 6]</c> from <c>-1</c>. Argument values are null (None), bool,
/// long, double, string, <see cref="YoloSymbol"/> or a list of those.
/// </summary>
public sealed record YoloRow(int Index, IReadOnlyList<int> From, bool FromIsList, long Repeats, string Module,
                             IReadOnlyList<object?> Arguments, YoloSourceLocation Location);

/// <summary>A parsed ultralytics-format model file: classes, scales, and the backbone then head rows.</summary>
public sealed record YoloConfig(string Source, long Classes, IReadOnlyDictionary<string, YoloScale> Scales,
                                IReadOnlyList<YoloRow> Rows, YoloScale? DefaultMultiples = null);

/// <summary>A model file is malformed or names something the catalog does not know; the message starts with the
/// file, line and column.</summary>
public sealed class YoloConfigException(YoloSourceLocation location, string message) : Exception($"{location}: {message}")
{
    public YoloSourceLocation Location { get; } = location;
}
