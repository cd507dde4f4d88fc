using System.Globalization;
using System.Text.Json.Nodes;
using Osprey.Data.Images;
using Osprey.Visuals;

namespace Osprey.Training.Detection;

/// <summary>One detected object in the original image's pixels (x0, y0, x1, y1).</summary>
public sealed record DetectedObject(int Class, string Name, double Score, float X0, float Y0, float X1, float Y1);

/// <summary>One image's detections, highest score first; as text, as COCO-style JSON, and drawn.</summary>
public sealed record DetectionPrediction(string Source, IReadOnlyList<DetectedObject> Objects) : IPrediction
{
    public string Text => Objects.Count == 0 ? "no objects"
        : string.Join(", ", Objects.Select(o => string.Create(CultureInfo.InvariantCulture,
            $"{o.Name} {o.Score:F2} [{o.X0:F0}, {o.Y0:F0}, {o.X1:F0}, {o.Y1:F0}]")));

    public JsonNode ToJson() => new JsonObject
    {
        ["source"] = Source,
        ["detections"] = new JsonArray(Objects.Select(o => (JsonNode)new JsonObject
        {
            ["class"] = o.Class,
            ["name"] = o.Name,
            ["score"] = Math.Round(o.Score, 6),
            ["bbox"] = new JsonArray(Math.Round(o.X0, 2), Math.Round(o.Y0, 2), Math.Round(o.X1 - o.X0, 2), Math.Round(o.Y1 - o.Y0, 2)),
        }).ToArray()),
    };

    /// <summary>Writes the image with its boxes, class names and scores into <paramref name="folder"/> (same file name; atomically).</summary>
    public string Save(string folder, PredictRequest request)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, Path.GetFileNameWithoutExtension(Source) + ".jpg");
        using var image = ImageCodec.Read(Source, ImageReadMode.Rgb);
        using var bitmap = TensorBitmap.ToBitmap(image);
        using (var annotator = new Annotator(bitmap, request.LineWidth))
            foreach (var o in Objects)
                annotator.Box(o.X0, o.Y0, o.X1, o.Y1, o.Class,
                              request.HideLabels ? null : Annotator.Label(o.Name, request.HideConfidence ? null : o.Score));
        ImageFile.Write(path, bitmap);
        return path;
    }
}
