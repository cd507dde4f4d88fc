using System.Text.Json;

namespace Osprey.Metrics.Detection;

/// <summary>
/// The COCO results file: a JSON array of <c>{"image_id", "category_id", "bbox": [x, y, w, h], "score"}</c>, what
/// pycocotools' loadRes reads and ultralytics' / DETR's evaluators write. Numbers are written so they read back
/// to the same doubles.
/// </summary>
public static class CocoResultsJson
{
    public static void Write(string path, IEnumerable<CocoDetection> detections)
    {
        using var stream = File.Create(path);
        Write(stream, detections);
    }

    public static void Write(Stream stream, IEnumerable<CocoDetection> detections)
    {
        using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartArray();
        foreach (var d in detections)
        {
            writer.WriteStartObject();
            writer.WriteNumber("image_id", d.ImageId);
            writer.WriteNumber("category_id", d.CategoryId);
            writer.WriteStartArray("bbox");
            foreach (var v in new[] { d.Box.X, d.Box.Y, d.Box.Width, d.Box.Height }) writer.WriteNumberValue(v);
            writer.WriteEndArray();
            writer.WriteNumber("score", d.Score);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    public static List<CocoDetection> Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads a results array; <paramref name="source"/> names the input in errors.</summary>
    public static List<CocoDetection> Read(Stream stream, string source = "COCO results")
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(stream); }
        catch (JsonException e) { throw new FormatException($"{source}: not valid JSON ({e.Message})", e); }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw new FormatException($"{source}: expected a JSON array of detections, got {document.RootElement.ValueKind}");
            var result = new List<CocoDetection>();
            int index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                string where = $"{source}: detection {index}";
                if (element.ValueKind != JsonValueKind.Object) throw new FormatException($"{where}: expected an object, got {element.ValueKind}");
                var bbox = Field(element, "bbox", where);
                if (bbox.ValueKind != JsonValueKind.Array || bbox.GetArrayLength() != 4)
                    throw new FormatException($"{where}: \"bbox\" must be [x, y, width, height]");
                var b = bbox.EnumerateArray().Select(v => Number(v, "bbox", where)).ToArray();
                result.Add(new CocoDetection(Integer(Field(element, "image_id", where), "image_id", where),
                    (int)Integer(Field(element, "category_id", where), "category_id", where),
                    new CocoBox(b[0], b[1], b[2], b[3]), Number(Field(element, "score", where), "score", where)));
                index++;
            }
            return result;
        }
    }

    static JsonElement Field(JsonElement element, string name, string where) =>
        element.TryGetProperty(name, out var value) ? value : throw new FormatException($"{where}: missing \"{name}\"");

    static double Number(JsonElement value, string name, string where) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d) ? d
            : throw new FormatException($"{where}: \"{name}\" must be a finite number, got {value.GetRawText()}");

    static long Integer(JsonElement value, string name, string where) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var i) && (name == "image_id" || i is >= int.MinValue and <= int.MaxValue) ? i
            : throw new FormatException($"{where}: \"{name}\" must be an integer, got {value.GetRawText()}");
}
