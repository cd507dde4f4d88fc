namespace Osprey.Models.Detection.Yolo;

/// <summary>A parameter of a catalog block, as its Python signature declares it (positional, with an optional default).</summary>
public sealed record YoloParameter(string Name, bool Required = false, object? Default = null)
{
    public static YoloParameter Positional(string name) => new(name, Required: true);
    public static YoloParameter Optional(string name, object? value) => new(name, false, value);
}

/// <summary>
/// A row's final argument list (after channel binding) bound positionally to a block's parameters, with typed
/// getters. Too many or too few arguments, or a value of the wrong type, fail with the row's file and line.
/// </summary>
public sealed class YoloArguments
{
    readonly Dictionary<string, object?> values = new();
    readonly string block;
    readonly YoloSourceLocation location;

    public IReadOnlyList<object?> Positional { get; }

    public YoloArguments(string block, IReadOnlyList<YoloParameter> parameters, IReadOnlyList<object?> arguments, YoloSourceLocation location)
    {
        (this.block, this.location, Positional) = (block, location, arguments.ToArray());
        var signature = string.Join(", ", parameters.Select(p => p.Required ? p.Name : $"{p.Name}={PythonLiteral.Format(p.Default)}"));
        if (arguments.Count > parameters.Count)
            throw new YoloConfigException(location, $"{block}({signature}) takes at most {parameters.Count} arguments, got {arguments.Count}: {PythonLiteral.Format(arguments)}");
        for (var i = 0; i < parameters.Count; i++)
        {
            if (i < arguments.Count) values[parameters[i].Name] = arguments[i];
            else if (parameters[i].Required)
                throw new YoloConfigException(location, $"{block}({signature}) is missing argument '{parameters[i].Name}'");
            else values[parameters[i].Name] = parameters[i].Default;
        }
    }

    object? Raw(string name) => values.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"{block} has no parameter '{name}'");

    YoloConfigException Wrong(string name, string expected) =>
        new(location, $"{block}: argument '{name}' must be {expected}, got {PythonLiteral.Format(Raw(name))}");

    public long Long(string name) => Raw(name) is long v ? v : throw Wrong(name, "an integer");
    public long? LongOrNone(string name) => Raw(name) switch { null => null, long v => v, _ => throw Wrong(name, "an integer or None") };
    public double Double(string name) => Raw(name) switch { long v => v, double d => d, _ => throw Wrong(name, "a number") };
    public double? DoubleOrNone(string name) => Raw(name) switch { null => null, long v => v, double d => d, _ => throw Wrong(name, "a number or None") };
    public bool Bool(string name) => Raw(name) is bool b ? b : throw Wrong(name, "True or False");
    public string String(string name) => Raw(name) is string s ? s : throw Wrong(name, "a quoted string");

    public IReadOnlyList<long> LongList(string name) =>
        Raw(name) is IEnumerable<object?> list && list.All(x => x is long) ? list.Cast<long>().ToList() : throw Wrong(name, "a list of integers");

    /// <summary>An integer or a list of two (a kernel pair such as Bottleneck's k).</summary>
    public (long, long) Pair(string name) => Raw(name) switch
    {
        long v => (v, v),
        IEnumerable<object?> list when list.ToList() is [long a, long b] => (a, b),
        _ => throw Wrong(name, "an integer or a list of two integers"),
    };
}
