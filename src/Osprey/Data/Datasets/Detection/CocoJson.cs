using System.Text.Json;
using System.Text.Json.Serialization;

namespace Osprey.Data.Datasets.Detection;

/// <summary>The parts of a COCO instances file a detector needs (segmentations and other fields are skipped).</summary>
public sealed class CocoJson
{
    /// <summary>Largest file read (COCO's instances_train2017.json is 448 MB).</summary>
    public const long MaxBytes = 2L << 30;

    [JsonPropertyName("images")] public List<CocoImage>? Images { get; set; }
    [JsonPropertyName("annotations")] public List<CocoAnnotation>? Annotations { get; set; }
    [JsonPropertyName("categories")] public List<CocoCategory>? Categories { get; set; }

    public sealed class CocoImage
    {
        [JsonPropertyName("id")] public long? Id { get; set; }
        [JsonPropertyName("file_name")] public string? FileName { get; set; }
        [JsonPropertyName("width")] public int? Width { get; set; }
        [JsonPropertyName("height")] public int? Height { get; set; }
    }

    public sealed class CocoAnnotation
    {
        [JsonPropertyName("id")] public long? Id { get; set; }
        [JsonPropertyName("image_id")] public long? ImageId { get; set; }
        [JsonPropertyName("category_id")] public long? CategoryId { get; set; }
        [JsonPropertyName("bbox")] public double[]? Bbox { get; set; }
        [JsonPropertyName("iscrowd")] public int? IsCrowd { get; set; }
        [JsonPropertyName("area")] public double? Area { get; set; }
    }

    public sealed class CocoCategory
    {
        [JsonPropertyName("id")] public long? Id { get; set; }
        [JsonPropertyName("name")] public string? Name { get; set; }
    }

    static readonly JsonSerializerOptions Options = new() { MaxDepth = 64, NumberHandling = JsonNumberHandling.Strict };

    /// <summary>Reads <paramref name="path"/>; malformed JSON or a field of the wrong type is an error naming the
    /// file, line and JSON path.</summary>
    public static CocoJson Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"COCO annotation file not found: {path}", path);
        if (info.Length > MaxBytes) throw new InvalidDataException($"{path}: {info.Length} bytes is more than the {MaxBytes} read");
        try
        {
            using var stream = info.OpenRead();
            return JsonSerializer.Deserialize<CocoJson>(stream, Options)
                   ?? throw new InvalidDataException($"{path}: the JSON is null, expected an object with images, annotations, categories");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"{path}:{line + 1}" : path;
            throw new InvalidDataException($"{where}: malformed COCO JSON{(e.Path is { } p ? $" at {p}" : "")}: {e.Message}", e);
        }
    }
}
