using System.Globalization;
using Osprey.Data.Images;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Osprey.Data.Datasets.Segmentation;

/// <summary>
/// A folder of images and a folder of masks described by a dataset YAML:
/// <code>
/// path: data/cells          # optional root; relative paths are resolved from the YAML file's folder
/// train: {images: images/train, masks: masks/train}
/// val: {images: images/val, masks: masks/val}
/// names: [background, cell]  # or {0: background, 1: cell}
/// palette: [[0, 0, 0], [255, 0, 0]]   # optional, one RGB per class (default: the VOC colour map)
/// ignore_index: 255          # optional (default 255): the masks' value for ignored pixels, read as 255
/// reduce_zero_label: false   # optional: 0 becomes ignore, k becomes k - 1 (ADE20K-style masks)
/// </code>
/// Mask files are &lt;image path relative to images, without extension&gt;.png holding class ids as palette
/// indices or gray levels (8 or 16 bit). Unknown keys and wrong values are errors naming the file and line.
/// </summary>
public static class FolderSegmentation
{
    static readonly string[] knownKeys = ["path", "train", "val", "test", "names", "palette", "ignore_index", "reduce_zero_label"];

    public static SegmentationDataset Open(string yamlPath, string split = "train")
    {
        yamlPath = Path.GetFullPath(yamlPath);
        var root = Parse(BoundedFile.ReadAllText(yamlPath, "dataset YAML"), yamlPath);
        var entries = new Dictionary<string, YamlNode>();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!knownKeys.Contains(key)) throw Error(yamlPath, keyNode, $"unknown key '{key}'; expected one of {string.Join(", ", knownKeys)}");
            entries[key] = value;
        }
        var baseDir = Path.GetDirectoryName(yamlPath)!;
        if (entries.TryGetValue("path", out var pathNode)) baseDir = Path.GetFullPath(Path.Combine(baseDir, Scalar(yamlPath, pathNode, "path")));

        if (!entries.TryGetValue("names", out var namesNode)) throw Error(yamlPath, root, "missing 'names' (the class names, index = class id)");
        var classes = Names(yamlPath, namesNode);
        int ignore = entries.TryGetValue("ignore_index", out var ignoreNode) ? Integer(yamlPath, ignoreNode, "ignore_index", 0, 65535) : Sample.IgnoreIndex;
        if (ignore < classes.Length) throw Error(yamlPath, ignoreNode ?? root, $"ignore_index {ignore} is one of the {classes.Length} class ids");
        bool reduceZero = entries.TryGetValue("reduce_zero_label", out var reduceNode) && Boolean(yamlPath, reduceNode);
        var palette = entries.TryGetValue("palette", out var paletteNode) ? Palette(yamlPath, paletteNode, classes.Length) : Rgb.VocColormap(classes.Length);

        if (!entries.TryGetValue(split, out var splitNode)) throw Error(yamlPath, root, $"no '{split}' split (a mapping with images and masks folders)");
        if (splitNode is not YamlMappingNode splitMap) throw Error(yamlPath, splitNode, $"'{split}' must be a mapping {{images: <folder>, masks: <folder>}}");
        string? images = null, masks = null;
        foreach (var (k, v) in splitMap.Children)
        {
            var key = (k as YamlScalarNode)?.Value;
            if (key == "images") images = Path.Combine(baseDir, Scalar(yamlPath, v, "images"));
            else if (key == "masks") masks = Path.Combine(baseDir, Scalar(yamlPath, v, "masks"));
            else throw Error(yamlPath, k, $"unknown key '{key}' in '{split}'; expected images, masks");
        }
        if (images == null || masks == null) throw Error(yamlPath, splitNode, $"'{split}' needs both images and masks folders");

        var name = $"dataset {yamlPath} ({split})";
        var pairs = SegmentationDataset.PairFolders(name, images, masks);
        int maxStored = 65535;
        // The files' ignore value becomes the pipeline's (255), which the losses, padding and metrics skip.
        var labels = reduceZero ? MaskLabels.ReduceZero(classes.Length, maxStored: maxStored, storedIgnore: ignore)
                                : MaskLabels.Identity(classes.Length, maxStored: maxStored, storedIgnore: ignore);
        return new SegmentationDataset(name, pairs, classes, palette, labels);
    }

    static YamlMappingNode Parse(string text, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new InvalidDataException($"{path}:1:1: expected one YAML document holding a mapping (train, val, names, ...)");
        return root;
    }

    static string[] Names(string path, YamlNode node)
    {
        if (node is YamlSequenceNode list)
        {
            if (list.Children.Count == 0) throw Error(path, node, "'names' is empty");
            return list.Children.Select(n => Scalar(path, n, "class name")).ToArray();
        }
        if (node is YamlMappingNode map)
        {
            var byId = new SortedDictionary<int, string>();
            foreach (var (k, v) in map.Children)
            {
                int id = Integer(path, k, "class id", 0, 65534);
                if (!byId.TryAdd(id, Scalar(path, v, "class name"))) throw Error(path, k, $"class id {id} is named twice");
            }
            if (byId.Count == 0) throw Error(path, node, "'names' is empty");
            if (byId.Keys.Last() != byId.Count - 1)
                throw Error(path, node, $"class ids must be 0..{byId.Count - 1} without gaps, got {string.Join(", ", byId.Keys)}");
            return byId.Values.ToArray();
        }
        throw Error(path, node, "'names' must be a list of class names or a mapping id: name");
    }

    static Rgb[] Palette(string path, YamlNode node, int classes)
    {
        if (node is not YamlSequenceNode list || list.Children.Count != classes)
            throw Error(path, node, $"'palette' must list {classes} colours [r, g, b], one per class");
        return list.Children.Select(c => c is YamlSequenceNode { Children.Count: 3 } rgb
            ? new Rgb((byte)Integer(path, rgb[0], "red", 0, 255), (byte)Integer(path, rgb[1], "green", 0, 255), (byte)Integer(path, rgb[2], "blue", 0, 255))
            : throw Error(path, c, "a palette colour must be [r, g, b] with values 0..255")).ToArray();
    }

    static string Scalar(string path, YamlNode node, string what) =>
        node is YamlScalarNode { Value: { Length: > 0 } value } ? value : throw Error(path, node, $"{what} must be a non-empty string");

    static int Integer(string path, YamlNode node, string what, int min, int max) =>
        node is YamlScalarNode { Value: { } text } && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw Error(path, node, $"{what} must be an integer in [{min}, {max}], got '{(node as YamlScalarNode)?.Value}'");

    static bool Boolean(string path, YamlNode node) => (node as YamlScalarNode)?.Value switch
    {
        "true" or "True" => true,
        "false" or "False" => false,
        var other => throw Error(path, node, $"reduce_zero_label must be true or false, got '{other}'"),
    };

    static InvalidDataException Error(string path, YamlNode node, string message) =>
        new($"{path}:{node.Start.Line}:{node.Start.Column}: {message}");
}
