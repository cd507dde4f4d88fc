using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Osprey.Torch.Serialization;

namespace Osprey.Data.Datasets.Detection;

/// <summary>
/// An ultralytics dataset YAML (<c>data.yaml</c>): <c>path</c> (the root; relative to the YAML's folder, then to the
/// working folder; the YAML's folder when absent), <c>train</c> / <c>val</c> / <c>test</c> (each a folder of images,
/// a .txt list of image paths, or a YAML list of those, relative to the root) and <c>names</c> (a list, or a map
/// 0..n-1 -> name; <c>nc</c>, if given, must agree). Other keys (download, ...) are accepted and ignored, as ultralytics
/// does. Errors name the file and line.
/// </summary>
public sealed record DatasetYaml(string YamlPath, string Root, IReadOnlyDictionary<string, IReadOnlyList<string>> Splits, IReadOnlyList<string> Names)
{
    public static readonly string[] SplitKeys = ["train", "val", "test"];

    /// <summary>The resolved sources (folders or list files) of a split; an error when the YAML has none.</summary>
    public IReadOnlyList<string> Split(string split) => Splits.TryGetValue(split, out var sources)
        ? sources
        : throw new InvalidDataException($"{YamlPath} has no '{split}' split (it has {string.Join(", ", Splits.Keys)})");

    public static DatasetYaml Read(string yamlPath)
    {
        var full = Path.GetFullPath(yamlPath);
        if (!File.Exists(full)) throw new FileNotFoundException($"dataset YAML not found: {full}", full);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(UntrustedFile.ReadAllText(full, 16 << 20)));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{full}:{e.Start.Line}: not valid YAML: {e.InnerException?.Message ?? e.Message}");
        }
        catch (InvalidOperationException e) // YamlDotNet's parser state error on some unclosed flow collections
        {
            throw new InvalidDataException($"{full}: not valid YAML ({e.Message})");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new InvalidDataException($"{full}: expected one YAML document holding a mapping (path, train, val, names)");
        var entries = new Dictionary<string, YamlNode>();
        foreach (var (key, value) in root.Children)
            entries[(key as YamlScalarNode)?.Value ?? ""] = value;

        var yamlFolder = Path.GetDirectoryName(full)!;
        var dataRoot = yamlFolder;
        if (entries.TryGetValue("path", out var pathNode) && Scalar(pathNode) is { Length: > 0 } path)
            dataRoot = ResolveRoot(path, yamlFolder, full, pathNode);

        var names = ReadNames(entries, full, root);
        var splits = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var split in SplitKeys)
        {
            if (!entries.TryGetValue(split, out var node) || IsNull(node)) continue;
            var items = node switch
            {
                YamlScalarNode s => [s.Value!],
                YamlSequenceNode list => list.Children.Select(c => Scalar(c) ?? throw Error(full, c, $"'{split}' entries must be paths")).ToArray(),
                _ => throw Error(full, node, $"'{split}' must be a path or a list of paths"),
            };
            splits[split] = items.Select(item => ResolveSource(item, dataRoot, full, node, split)).ToArray();
        }
        if (!splits.ContainsKey("train") && !splits.ContainsKey("val"))
            throw Error(full, root, "has neither 'train' nor 'val' (folders of images or .txt lists, relative to 'path')");
        return new DatasetYaml(full, dataRoot, splits, names);
    }

    static string ResolveRoot(string path, string yamlFolder, string yamlPath, YamlNode node)
    {
        if (Path.IsPathRooted(path))
            return Directory.Exists(path) ? Path.GetFullPath(path) : throw Error(yamlPath, node, $"'path' {path} does not exist");
        var nextToYaml = Path.GetFullPath(Path.Combine(yamlFolder, path));
        if (Directory.Exists(nextToYaml)) return nextToYaml;
        var fromWorkingFolder = Path.GetFullPath(path);
        if (Directory.Exists(fromWorkingFolder)) return fromWorkingFolder;
        throw Error(yamlPath, node, $"'path' {path} is neither {nextToYaml} nor {fromWorkingFolder}");
    }

    // ultralytics: root / entry, or root / entry without a leading "../" when that one does not exist.
    static string ResolveSource(string item, string root, string yamlPath, YamlNode node, string split)
    {
        var resolved = Path.GetFullPath(Path.Combine(root, item));
        if (!Path.Exists(resolved) && item.StartsWith("../"))
        {
            var stripped = Path.GetFullPath(Path.Combine(root, item[3..]));
            if (Path.Exists(stripped)) resolved = stripped;
        }
        return Path.Exists(resolved) ? resolved : throw Error(yamlPath, node, $"'{split}' source {resolved} does not exist");
    }

    static IReadOnlyList<string> ReadNames(Dictionary<string, YamlNode> entries, string yamlPath, YamlNode root)
    {
        if (!entries.TryGetValue("names", out var node) || IsNull(node))
            throw Error(yamlPath, root, "has no 'names' (the class names: a list, or a map 0: name, 1: name, ...)");
        string[] names;
        if (node is YamlSequenceNode list)
        {
            names = list.Children.Select(c => Scalar(c) ?? throw Error(yamlPath, c, "class names must be strings")).ToArray();
        }
        else if (node is YamlMappingNode map)
        {
            var byIndex = new SortedDictionary<int, string>();
            foreach (var (k, v) in map.Children)
            {
                if (!int.TryParse(Scalar(k), NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
                    throw Error(yamlPath, k, $"'names' keys must be class indices, got '{Scalar(k)}'");
                byIndex[index] = Scalar(v) ?? throw Error(yamlPath, v, $"class {index} needs a name");
            }
            if (byIndex.Count > 0 && (byIndex.Keys.First() != 0 || byIndex.Keys.Last() != byIndex.Count - 1))
                throw Error(yamlPath, node, $"'names' keys must be 0..{byIndex.Count - 1} without gaps, got {string.Join(", ", byIndex.Keys)}");
            names = byIndex.Values.ToArray();
        }
        else throw Error(yamlPath, node, "'names' must be a list or a map of index: name");
        if (names.Length == 0) throw Error(yamlPath, node, "'names' is empty");
        if (entries.TryGetValue("nc", out var nc) && Scalar(nc) is { } count &&
            (!int.TryParse(count, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n != names.Length))
            throw Error(yamlPath, nc, $"'nc' is {count} but 'names' has {names.Length} entries");
        return names;
    }

    static string? Scalar(YamlNode node) => node is YamlScalarNode s && !IsNull(node) ? s.Value : null;

    static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "None" };

    static InvalidDataException Error(string path, YamlNode node, string message) =>
        new($"{path}:{node.Start.Line}: {message}");
}
