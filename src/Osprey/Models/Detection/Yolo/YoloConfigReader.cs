using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Osprey.Torch.Serialization;

namespace Osprey.Models.Detection.Yolo;

/// <summary>
/// Reads ultralytics-format model YAML into a <see cref="YoloConfig"/>: <c>nc</c>, <c>scales</c> (name: [depth,
/// width, max_channels]) or <c>depth_multiple</c>/<c>width_multiple</c>, and <c>backbone</c>/<c>head</c> rows.
/// Scalars are read as PyYAML and ultralytics read them: integers, floats, True/False, None/null, quoted strings;
/// other unquoted words are symbols (<c>nc</c>). Every error names the file, line and column.
/// </summary>
public static class YoloConfigReader
{
    static readonly HashSet<string> knownKeys = ["nc", "scales", "backbone", "head", "depth_multiple", "width_multiple"];

    /// <summary>A model YAML file: a regular file of at most 16 MB (a FIFO or a link to a device is refused).</summary>
    public static YoloConfig ReadFile(string path) =>
        Parse(UntrustedFile.ReadAllText(path, 16 << 20), path);

    public static YoloConfig Parse(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new YoloConfigException(new(source, e.Start.Line, e.Start.Column), $"not valid YAML: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new YoloConfigException(new(source, 1, 1), "expected one YAML document holding a mapping (nc, scales, backbone, head)");

        var entries = new Dictionary<string, YamlNode>();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = ((keyNode as YamlScalarNode)?.Value) ?? "";
            if (!knownKeys.Contains(key))
                throw new YoloConfigException(At(keyNode, source), $"unknown key '{key}'; expected one of {string.Join(", ", knownKeys)}");
            entries[key] = value;
        }
        var classes = entries.TryGetValue("nc", out var nc) ? Integer(nc, source, "nc")
            : throw new YoloConfigException(At(root, source), "missing 'nc' (number of classes)");
        if (classes < 1) throw new YoloConfigException(At(nc, source), $"'nc' must be positive, got {classes}");

        var scales = new Dictionary<string, YoloScale>();
        if (entries.TryGetValue("scales", out var scalesNode))
        {
            if (scalesNode is not YamlMappingNode map) throw new YoloConfigException(At(scalesNode, source), "'scales' must map names to [depth, width, max_channels]");
            foreach (var (name, value) in map.Children)
            {
                if (value is not YamlSequenceNode { Children.Count: 3 } triple)
                    throw new YoloConfigException(At(value, source), $"scale '{name}' must be [depth, width, max_channels]");
                scales[((YamlScalarNode)name).Value!] = new YoloScale(Number(triple[0], source, "depth"), Number(triple[1], source, "width"),
                                                                      Number(triple[2], source, "max_channels"));
            }
        }
        YoloScale? multiples = null;
        if (entries.ContainsKey("depth_multiple") || entries.ContainsKey("width_multiple"))
            multiples = new YoloScale(entries.TryGetValue("depth_multiple", out var d) ? Number(d, source, "depth_multiple") : 1,
                                      entries.TryGetValue("width_multiple", out var w) ? Number(w, source, "width_multiple") : 1,
                                      double.PositiveInfinity);

        var rows = new List<YoloRow>();
        foreach (var section in new[] { "backbone", "head" })
        {
            if (!entries.TryGetValue(section, out var node)) throw new YoloConfigException(At(root, source), $"missing '{section}' rows");
            if (node is not YamlSequenceNode sequence) throw new YoloConfigException(At(node, source), $"'{section}' must be a list of rows");
            foreach (var row in sequence) rows.Add(Row(row, rows.Count, source));
        }
        if (rows.Count == 0) throw new YoloConfigException(At(root, source), "the model has no rows");
        return new YoloConfig(source, classes, scales, rows, multiples);
    }

    static YoloRow Row(YamlNode node, int index, string source)
    {
        if (node is not YamlSequenceNode { Children.Count: 4 } row)
            throw new YoloConfigException(At(node, source),
                $"row {index} must be [from, repeats, module, args], got {(node is YamlSequenceNode s ? $"{s.Children.Count} items" : "a scalar or mapping")}");
        var (fromNode, repeatsNode, moduleNode, argsNode) = (row[0], row[1], row[2], row[3]);
        int[] from;
        var isList = fromNode is YamlSequenceNode;
        if (fromNode is YamlSequenceNode fromList && fromList.Children.Count > 0)
            from = fromList.Children.Select(f => (int)Integer(f, source, "from")).ToArray();
        else if (fromNode is YamlScalarNode)
            from = [(int)Integer(fromNode, source, "from")];
        else
            throw new YoloConfigException(At(fromNode, source), "'from' must be a layer index or a non-empty list of them");
        var repeats = Integer(repeatsNode, source, "repeats");
        if (repeats < 1) throw new YoloConfigException(At(repeatsNode, source), $"repeats must be at least 1, got {repeats}");
        if (moduleNode is not YamlScalarNode { Value: { Length: > 0 } module })
            throw new YoloConfigException(At(moduleNode, source), "the module must be a name such as Conv or nn.Upsample");
        if (argsNode is not YamlSequenceNode args) throw new YoloConfigException(At(argsNode, source), "args must be a list");
        return new YoloRow(index, from, isList, repeats, module, args.Children.Select(a => Value(a, source)).ToList(), At(row, source));
    }

    static object? Value(YamlNode node, string source)
    {
        switch (node)
        {
            case YamlSequenceNode list:
                return list.Children.Select(a => Value(a, source)).ToList();
            case YamlScalarNode scalar when scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted:
                return scalar.Value;
            case YamlScalarNode scalar:
                var text = scalar.Value ?? "";
                if (text is "" or "~" or "null" or "Null" or "NULL" or "None") return null;
                if (text is "true" or "True" or "TRUE") return true;
                if (text is "false" or "False" or "FALSE") return false;
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
                return new YoloSymbol(text);
            default:
                throw new YoloConfigException(At(node, source), "arguments must be scalars or lists");
        }
    }

    static long Integer(YamlNode node, string source, string what) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain } s && long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v : throw new YoloConfigException(At(node, source), $"'{what}' must be an integer, got '{(node as YamlScalarNode)?.Value ?? node.NodeType.ToString()}'");

    static double Number(YamlNode node, string source, string what) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain } s && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v : throw new YoloConfigException(At(node, source), $"'{what}' must be a number, got '{(node as YamlScalarNode)?.Value ?? node.NodeType.ToString()}'");

    static YoloSourceLocation At(YamlNode node, string source) => new(source, node.Start.Line, node.Start.Column);
}
