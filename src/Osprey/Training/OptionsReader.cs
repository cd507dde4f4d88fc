using System.Globalization;
using System.Reflection;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Osprey.Training;

/// <summary>
/// Reads <see cref="TrainOptions"/> from a YAML mapping of scalars and <c>key=value</c> overrides, and writes them back
/// (args.yaml). Every value is parsed for its option's type; a value of the wrong type is an <see cref="OptionsException"/>
/// naming the key (and where it came from). A key that is no training option is a model option
/// (<see cref="TrainOptions.ModelOptions"/>): <see cref="TrainOptions.Validate"/> checks it against the model's declared ones.
/// </summary>
public static class OptionsReader
{
    static readonly PropertyInfo[] Properties = typeof(TrainOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.Name != nameof(TrainOptions.ModelOptions)).ToArray();
    static readonly Dictionary<string, PropertyInfo> ByKey = Properties.ToDictionary(p => KeyOf(p.Name), StringComparer.Ordinal);

    /// <summary>The option keys, in declaration order.</summary>
    public static IReadOnlyList<string> Keys { get; } = Properties.Select(p => KeyOf(p.Name)).ToArray();

    /// <summary>Options from an optional YAML file, then the overrides ("key=value") in order; validated. Unless a
    /// <paramref name="start"/> is given they start from the defaults of the task and model they name
    /// (<see cref="TrainOptions.For"/>).</summary>
    public static TrainOptions Read(string? yamlPath = null, IEnumerable<string>? overrides = null, TrainOptions? start = null)
    {
        var given = new List<(string Key, string? Value, string Source)>();
        if (yamlPath != null)
            given.AddRange(ReadYaml(yamlPath).Select(p => (p.Key, p.Value, yamlPath)));
        foreach (var item in overrides ?? [])
        {
            int eq = item.IndexOf('=');
            if (eq <= 0) throw new OptionsException(item, $"override '{item}': expected key=value");
            given.Add((item[..eq].Trim(), item[(eq + 1)..].Trim(), "--set"));
        }
        string? Last(string key) => given.LastOrDefault(g => g.Key == key).Value;
        var options = start ?? TrainOptions.For(Last("task") ?? new TrainOptions().Task, Last("model"));
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);   // where each key was last set
        foreach (var (key, value, source) in given)
        {
            options = Set(options, key, value, source);
            sources[key] = source;
        }
        try
        {
            return options.Validate();
        }
        catch (OptionsException e) when (sources.TryGetValue(e.Key, out var source) && !e.Message.StartsWith(source, StringComparison.Ordinal))
        {
            throw new OptionsException(e.Key, $"{source}: {e.Message}");
        }
    }

    /// <summary>Sets one option from its text form (YAML scalar syntax: null or ~ for null); a key that is no training
    /// option is kept as a model option (null removes it).</summary>
    public static TrainOptions Set(TrainOptions options, string key, string? value, string source)
    {
        if (!ByKey.TryGetValue(key, out var property))
        {
            if (key.Length == 0 || !key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
                throw new OptionsException(key, $"{source}: unknown option '{key}'; known options: {string.Join(", ", Keys)}");
            return options with { ModelOptions = options.ModelOptions.With(key, value is "null" or "~" or "" ? null : value) };
        }
        var copy = options with { };
        property.SetValue(copy, Parse(property.PropertyType, key, value, source));
        return copy;
    }

    public static TrainOptions Apply(TrainOptions options, IEnumerable<KeyValuePair<string, string?>> values, string source)
    {
        foreach (var (key, value) in values) options = Set(options, key, value, source);
        return options;
    }

    /// <summary>Every option as key -> text (invariant culture; null as null), in declaration order.</summary>
    public static List<KeyValuePair<string, string?>> ToPairs(TrainOptions options) =>
        Properties.Select(p => new KeyValuePair<string, string?>(KeyOf(p.Name), Format(p.GetValue(options))))
            .Concat(options.ModelOptions.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)))
            .ToList();

    /// <summary>args.yaml: one "key: value" line per option.</summary>
    public static string ToYaml(TrainOptions options)
    {
        var text = new StringBuilder();
        foreach (var p in Properties)
        {
            var value = Format(p.GetValue(options));
            // Only strings need quoting (a name "true" or a path with ':' must stay a string); numbers, booleans and enums do not.
            var shown = value is null ? "null" : p.PropertyType == typeof(string) ? Quote(value) : value;
            text.Append(KeyOf(p.Name)).Append(": ").Append(shown).Append('\n');
        }
        foreach (var (key, value) in options.ModelOptions)
            text.Append(key).Append(": ").Append(value).Append('\n');
        return text.ToString();
    }

    static Dictionary<string, string?> ReadYaml(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"options file {path} does not exist", path);
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new OptionsException("", $"{path}: not valid YAML at line {e.Start.Line}: {e.Message}");
        }
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0) return result;
        if (stream.Documents[0].RootNode is not YamlMappingNode mapping)
            throw new OptionsException("", $"{path}: expected a mapping of option: value");
        foreach (var (k, v) in mapping.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? throw new OptionsException("", $"{path} line {k.Start.Line}: option names must be plain words");
            if (v is not YamlScalarNode scalar)
                throw new OptionsException(key, $"{path} line {v.Start.Line}: option '{key}' must be a single value, not a list or mapping");
            bool isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
            result[key] = isNull ? null : scalar.Value;
        }
        return result;
    }

    static object? Parse(Type type, string key, string? text, string source)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        bool nullable = underlying != null || !type.IsValueType;
        var target = underlying ?? type;
        if (text is null || (nullable && text is "null" or "~" or ""))
            return nullable ? null : throw Wrong(key, text, source, Describe(target));
        var inv = CultureInfo.InvariantCulture;
        object? value = target switch
        {
            _ when target == typeof(string) => text,
            _ when target == typeof(int) => int.TryParse(text, NumberStyles.Integer, inv, out var i) ? i : null,
            _ when target == typeof(double) => double.TryParse(text, NumberStyles.Float, inv, out var d) ? d : null,
            _ when target == typeof(bool) => text.ToLowerInvariant() switch { "true" => true, "false" => false, _ => null },
            _ when target.IsEnum => Enum.GetNames(target).FirstOrDefault(n => KeyOf(n).Replace("_", "") == text.ToLowerInvariant().Replace("_", "").Replace("-", ""))
                                     is { } name ? Enum.Parse(target, name) : null,
            _ => throw new InvalidOperationException($"option '{key}' has unsupported type {target.Name}"),
        };
        return value ?? throw Wrong(key, text, source, Describe(target));
    }

    static OptionsException Wrong(string key, string? text, string source, string expected) =>
        new(key, $"{source}: option '{key}' = {text ?? "null"}: expected {expected}");

    static string Describe(Type t) =>
        t == typeof(int) ? "an integer" : t == typeof(double) ? "a number" : t == typeof(bool) ? "true or false"
        : t.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(t).Select(n => KeyOf(n).Replace("_", ""))) : "a string";

    static string? Format(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        Enum e => KeyOf(e.ToString()).Replace("_", ""),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    // Strings that YAML would read as something else (numbers, booleans, null, or with special characters) are quoted.
    static string Quote(string value) =>
        value.Length == 0 || value.Any(c => ":#{}[],&*!|>'\"%@`\\".Contains(c)) || value != value.Trim() || value is "null" or "~" or "true" or "false"
            ? "'" + value.Replace("'", "''") + "'"
            : value;

    /// <summary>PascalCase -> snake_case (Lr0 -> lr0, WeightDecay -> weight_decay, AdamW -> adam_w).</summary>
    static string KeyOf(string name)
    {
        var text = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) text.Append('_');
            text.Append(char.ToLowerInvariant(name[i]));
        }
        return text.ToString();
    }
}
