using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Osprey.Data.Datasets.Detection;

/// <summary>
/// A detection dataset in dlib's imglab XML (<c>&lt;dataset&gt;&lt;images&gt;&lt;image file='a.jpg'&gt;&lt;box top left width
/// height/&gt;</c>, as dlib's examples/faces/training.xml): image paths relative to the XML file, boxes in pixels with
/// the bottom-right pixel inclusive in dlib's rectangles, so a box spans left .. left + width. A box's class is its
/// <c>&lt;label&gt;</c> (a box without one gets <paramref name="defaultLabel"/>), classes sorted by name; a box with
/// <c>ignore='1'</c> is a region dlib's trainers ignore, kept here as a crowd (evaluation only). Boxes are clipped to
/// the image; one left without area is dropped and counted in a warning. Every problem is an error naming the file,
/// the line and what was expected, all reported together: not XML, no &lt;images&gt;, an image without a file or whose
/// file is missing, a box attribute missing or not an integer, a negative width or height, a label that is empty.
/// </summary>
public static class ImglabDataset
{
    public const string DefaultLabel = "object";

    /// <summary>One parsed file: its images and the labels its boxes name.</summary>
    public sealed record Parsed(string File, IReadOnlyList<ParsedImage> Images, IReadOnlyCollection<string> Labels, int Degenerate);

    public sealed record ParsedImage(string Path, int Line, int Width, int Height, List<(float[] Box, string Label, bool Ignore)> Boxes);

    /// <summary>Opens <paramref name="file"/> with <paramref name="classes"/> (null: its own labels, sorted).</summary>
    public static DetectionDataset Open(string file, IReadOnlyList<string>? classes = null, string defaultLabel = DefaultLabel, Action<string>? log = null) =>
        Build(Parse(file, defaultLabel), classes, log);

    /// <summary>A training and a validation file sharing one class list (the sorted union of their labels).</summary>
    public static (DetectionDataset Train, DetectionDataset Val) OpenPair(string train, string val, string defaultLabel = DefaultLabel, Action<string>? log = null)
    {
        var (a, b) = (Parse(train, defaultLabel), Parse(val, defaultLabel));
        var classes = a.Labels.Union(b.Labels).Order(StringComparer.Ordinal).ToArray();
        return (Build(a, classes, log), Build(b, classes, log));
    }

    public static Parsed Parse(string file, string defaultLabel = DefaultLabel)
    {
        file = Path.GetFullPath(file);
        if (!File.Exists(file)) throw new FileNotFoundException($"imglab dataset {file} does not exist", file);
        XDocument document;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(file, settings);
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new DatasetFormatException(file, [$"{file}:{e.LineNumber}: not valid XML: {e.Message}"]);
        }
        var errors = new List<string>();
        var root = document.Root!;
        if (root.Name.LocalName != "dataset") errors.Add($"{file}:{Line(root)}: the root element is <{root.Name.LocalName}>, expected <dataset> (dlib imglab XML)");
        var imagesElement = root.Element("images");
        if (imagesElement == null) errors.Add($"{file}:{Line(root)}: no <images> element");
        var folder = Path.GetDirectoryName(file)!;
        var images = new List<ParsedImage>();
        var labels = new HashSet<string>(StringComparer.Ordinal);
        int degenerate = 0;
        foreach (var image in imagesElement?.Elements("image") ?? [])
        {
            var name = (string?)image.Attribute("file");
            if (string.IsNullOrWhiteSpace(name)) { errors.Add($"{file}:{Line(image)}: <image> has no file attribute"); continue; }
            var path = Path.GetFullPath(Path.Combine(folder, name));
            if (!File.Exists(path)) errors.Add($"{file}:{Line(image)}: image {name} not found at {path}");
            int width = OptionalSize(image, "width", file, errors), height = OptionalSize(image, "height", file, errors);
            var boxes = new List<(float[], string, bool)>();
            foreach (var box in image.Elements("box"))
            {
                var values = new[] { "left", "top", "width", "height" }.Select(a => Integer(box, a, file, errors)).ToArray();
                if (values.Any(v => v is null)) continue;
                var (left, top, w, h) = (values[0]!.Value, values[1]!.Value, values[2]!.Value, values[3]!.Value);
                if (w < 0 || h < 0) { errors.Add($"{file}:{Line(box)}: box width {w} and height {h}: expected >= 0"); continue; }
                var labelElement = box.Element("label");
                var label = labelElement == null ? defaultLabel : labelElement.Value.Trim();
                if (label.Length == 0) { errors.Add($"{file}:{Line(labelElement!)}: empty <label>"); continue; }
                var ignore = (string?)box.Attribute("ignore") is "1" or "true";
                float[] corners = [left, top, left + w, top + h];
                if (width > 0 && height > 0)
                    corners = [Math.Clamp(corners[0], 0, width), Math.Clamp(corners[1], 0, height), Math.Clamp(corners[2], 0, width), Math.Clamp(corners[3], 0, height)];
                if (!(corners[2] > corners[0] && corners[3] > corners[1])) { degenerate++; continue; }
                labels.Add(label);
                boxes.Add((corners, label, ignore));
            }
            images.Add(new ParsedImage(path, Line(image), width, height, boxes));
        }
        if (imagesElement != null && images.Count == 0 && errors.Count == 0) errors.Add($"{file}:{Line(imagesElement)}: <images> holds no <image>");
        DatasetFormatException.ThrowIfAny(file, errors);
        return new Parsed(file, images, labels, degenerate);
    }

    static DetectionDataset Build(Parsed parsed, IReadOnlyList<string>? classes, Action<string>? log)
    {
        classes ??= parsed.Labels.Order(StringComparer.Ordinal).ToArray();
        var index = classes.Select((c, i) => (c, (long)i)).ToDictionary(p => p.c, p => p.Item2, StringComparer.Ordinal);
        var errors = new List<string>();
        var records = new List<DetectionRecord>();
        long annotationId = 1;
        for (int i = 0; i < parsed.Images.Count; i++)
        {
            var image = parsed.Images[i];
            foreach (var (_, label, _) in image.Boxes)
                if (!index.ContainsKey(label)) errors.Add($"{parsed.File}:{image.Line}: label '{label}' is not among the classes [{string.Join(", ", classes)}]");
            records.Add(new DetectionRecord(image.Path, i + 1, image.Boxes.SelectMany(b => b.Box).ToArray(),
                                            image.Boxes.Select(b => index.GetValueOrDefault(b.Label)).ToArray(), Normalized: false)
            {
                Width = image.Width,
                Height = image.Height,
                Crowd = image.Boxes.Select(b => b.Ignore).ToArray(),
                AnnotationIds = image.Boxes.Select(_ => annotationId++).ToArray(),
            });
        }
        DatasetFormatException.ThrowIfAny(parsed.File, errors);
        if (log != null)
        {
            if (parsed.Degenerate > 0)
                log($"WARNING: {parsed.File}: {parsed.Degenerate} box{(parsed.Degenerate == 1 ? "" : "es")} without area inside the image dropped");
            log($"{parsed.File}: {records.Count} images, {records.Sum(r => r.Count)} boxes " +
                $"({records.Sum(r => r.Crowd!.Count(c => c))} ignore, evaluation only), {classes.Count} classes");
        }
        return new DetectionDataset(records, classes, parsed.File);
    }

    static int? Integer(XElement box, string attribute, string file, List<string> errors)
    {
        var text = (string?)box.Attribute(attribute);
        if (text == null) { errors.Add($"{file}:{Line(box)}: <box> has no {attribute} attribute (expected top, left, width, height)"); return null; }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add($"{file}:{Line(box)}: box {attribute}='{text}': expected an integer");
        return null;
    }

    static int OptionalSize(XElement image, string attribute, string file, List<string> errors)
    {
        var text = (string?)image.Attribute(attribute);
        if (text == null) return 0;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0) return value;
        errors.Add($"{file}:{Line(image)}: image {attribute}='{text}': expected a positive integer");
        return 0;
    }

    static int Line(XObject node) => ((IXmlLineInfo)node).LineNumber;
}
