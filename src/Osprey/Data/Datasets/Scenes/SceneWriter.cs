using System.Globalization;
using System.Text;
using System.Text.Json;
using Osprey.Data.Images;
using Osprey.Torch;

namespace Osprey.Data.Datasets.Scenes;

/// <summary>
/// Writes composed scenes in the formats users have: <c>images/SPLIT/NNNNNN.png|jpg</c>; index masks
/// <c>masks/SPLIT/NNNNNN.png</c> as palette PNGs (0 background, class + 1, PASCAL VOC colours); YOLO labels
/// <c>labels/SPLIT/NNNNNN.txt</c> with <c>data.yaml</c>; COCO <c>annotations/instances_SPLIT.json</c>; and
/// <c>annotations/occlusion_SPLIT.json</c>, each object's occluded fraction (of its own pixels, covered by later
/// objects) keyed by its COCO annotation id and its YOLO label line, for evaluating the occluded subset.
/// </summary>
public sealed class SceneWriter
{
    readonly string root, split, imageExtension;
    readonly FashionScenesOptions options;
    readonly List<(int Id, string File, Scene Scene)> written = [];
    static readonly byte[] Palette = PalettePng.VocPalette()[..(3 * 11)];

    public SceneWriter(string root, string split, FashionScenesOptions options)
    {
        (this.root, this.split, this.options) = (root, split, options);
        imageExtension = options.ImageFormat == "jpg" ? ".jpg" : ".png";
        foreach (var folder in new[] { "images", "labels", "masks" }) Directory.CreateDirectory(Path.Combine(root, folder, split));
        Directory.CreateDirectory(Path.Combine(root, "annotations"));
    }

    public void Add(int index, Scene scene)
    {
        var stem = index.ToString("D6", CultureInfo.InvariantCulture);
        using (var scope = TensorScope.Begin())
        {
            var image = Tensor.FromBytes(scene.Rgb, DType.UInt8, scene.Height, scene.Width, 3).Permute(2, 0, 1).Contiguous();
            ImageCodec.Write(Path.Combine(root, "images", split, stem + imageExtension), image, options.JpegQuality);
        }
        File.WriteAllBytes(Path.Combine(root, "masks", split, stem + ".png"), PalettePng.Encode(scene.Mask, scene.Width, scene.Height, Palette));
        var label = new StringBuilder();
        foreach (var o in scene.Objects)
        {
            double cx = (o.X1 + o.X2) / 2.0 / scene.Width, cy = (o.Y1 + o.Y2) / 2.0 / scene.Height;
            double w = (double)(o.X2 - o.X1) / scene.Width, h = (double)(o.Y2 - o.Y1) / scene.Height;
            label.Append(CultureInfo.InvariantCulture, $"{o.Class} {cx:0.######} {cy:0.######} {w:0.######} {h:0.######}\n");
        }
        File.WriteAllText(Path.Combine(root, "labels", split, stem + ".txt"), label.ToString());
        written.Add((index + 1, stem + imageExtension, scene));
    }

    /// <summary>Writes the split's COCO and occlusion files (annotation ids count from 1 across the split).</summary>
    public void Finish()
    {
        WriteJson(Path.Combine(root, "annotations", $"instances_{split}.json"), writer =>
        {
            writer.WriteStartArray("images");
            foreach (var (id, file, scene) in written)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", id);
                writer.WriteString("file_name", file);
                writer.WriteNumber("width", scene.Width);
                writer.WriteNumber("height", scene.Height);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("annotations");
            long annotation = 1;
            foreach (var (id, _, scene) in written)
            foreach (var o in scene.Objects)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", annotation++);
                writer.WriteNumber("image_id", id);
                writer.WriteNumber("category_id", o.Class + 1);
                writer.WriteStartArray("bbox");
                foreach (var v in new[] { o.X1, o.Y1, o.X2 - o.X1, o.Y2 - o.Y1 }) writer.WriteNumberValue(v);
                writer.WriteEndArray();
                writer.WriteNumber("area", o.Pixels);
                writer.WriteNumber("iscrowd", 0);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("categories");
            for (int c = 0; c < FashionMnist.ClassNames.Count; c++)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", c + 1);
                writer.WriteString("name", FashionMnist.ClassNames[c]);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        });
        WriteJson(Path.Combine(root, "annotations", $"occlusion_{split}.json"), writer =>
        {
            writer.WriteString("definition", "occluded = fraction of the object's own pixels covered by objects painted after it; " +
                                             "boxes are full (amodal) object extents, x1 y1 x2 y2 in pixels");
            writer.WriteStartArray("objects");
            long annotation = 1;
            foreach (var (id, file, scene) in written)
                for (int i = 0; i < scene.Objects.Count; i++)
                {
                    var o = scene.Objects[i];
                    writer.WriteStartObject();
                    writer.WriteNumber("annotation_id", annotation++);
                    writer.WriteNumber("image_id", id);
                    writer.WriteString("file_name", file);
                    writer.WriteNumber("label_line", i + 1);
                    writer.WriteNumber("class", o.Class);
                    writer.WriteStartArray("box");
                    foreach (var v in new[] { o.X1, o.Y1, o.X2, o.Y2 }) writer.WriteNumberValue(v);
                    writer.WriteEndArray();
                    writer.WriteNumber("pixels", o.Pixels);
                    writer.WriteNumber("visible_pixels", o.VisiblePixels);
                    writer.WriteNumber("occluded", Math.Round(o.Occlusion, 6));
                    writer.WriteEndObject();
                }
            writer.WriteEndArray();
        });
    }

    /// <summary>The ultralytics dataset YAML at the root (relative paths, so the folder can move).</summary>
    public static void WriteDataYaml(string root, FashionScenesOptions options)
    {
        var yaml = new StringBuilder();
        yaml.Append("# fashion-scenes, generated by Osprey: ").Append(options.Canonical()).Append('\n');
        yaml.Append("path: .\ntrain: images/train\nval: images/val\nnames:\n");
        for (int c = 0; c < FashionMnist.ClassNames.Count; c++)
            yaml.Append(CultureInfo.InvariantCulture, $"  {c}: \"{FashionMnist.ClassNames[c]}\"\n");
        File.WriteAllText(Path.Combine(root, "data.yaml"), yaml.ToString());
    }

    static void WriteJson(string path, Action<Utf8JsonWriter> body)
    {
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        writer.WriteStartObject();
        body(writer);
        writer.WriteEndObject();
    }
}
