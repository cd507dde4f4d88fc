using Osprey.Data.Images;
using Osprey.Torch;

namespace Osprey.Data.Datasets.Detection;

/// <summary>
/// A detection dataset whose labels were all read and validated when it was opened (by <see cref="YoloDataset"/> or
/// <see cref="CocoDataset"/>): <see cref="Get"/> only decodes the image. Samples carry the RGB image (3, H, W) uint8,
/// <see cref="Sample.Boxes"/> (N, 4) float32 x1 y1 x2 y2 in pixels, clipped to the image, and <see cref="Sample.BoxLabels"/>
/// (N) int64 — crowd regions left out — plus every annotation (crowd included) in <see cref="Sample.Annotations"/>.
/// </summary>
public sealed class DetectionDataset : IDataset<Sample>
{
    readonly DetectionRecord[] records;

    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<DetectionRecord> Records => records;
    public int Count => records.Length;
    /// <summary>What the dataset was opened from (a data YAML and split, a COCO file), for messages.</summary>
    public string Source { get; }

    public DetectionDataset(IReadOnlyList<DetectionRecord> records, IReadOnlyList<string> classes, string source)
    {
        this.records = records.ToArray();
        Classes = classes;
        Source = source;
    }

    public string PathOf(int index) => records[CheckIndex(index)].ImagePath;

    public Sample Get(int index)
    {
        var record = records[CheckIndex(index)];
        using var scope = TensorScope.Begin();
        var image = ImageCodec.Read(record.ImagePath, ImageReadMode.Rgb);
        int height = (int)image.Size(1), width = (int)image.Size(2);
        if (record.Width > 0 && (record.Width != width || record.Height != height))
            throw new InvalidDataException($"{record.ImagePath} is {width}x{height} but its annotations (image id {record.ImageId}) " +
                                           $"say {record.Width}x{record.Height}");
        var annotations = ToPixels(record, width, height);
        var (boxes, labels) = TrainingTargets(annotations);
        var sample = new Sample(image)
        {
            Boxes = Tensor.From(boxes, boxes.Length / 4, 4),
            BoxLabels = Tensor.From(labels, labels.Length),
            Annotations = annotations,
            OriginalSize = (height, width),
            Source = record.ImagePath,
        };
        foreach (var t in sample.Tensors()) scope.Keep(t);
        return sample;
    }

    /// <summary>The record's annotations in pixels of a width x height image, boxes clipped to it.</summary>
    public static BoxAnnotations ToPixels(DetectionRecord record, int width, int height)
    {
        int n = record.Count;
        var boxes = new float[4 * n];
        var areas = new float[n];
        float sx = record.Normalized ? width : 1, sy = record.Normalized ? height : 1;
        for (int i = 0; i < n; i++)
        {
            boxes[4 * i] = Math.Clamp(record.Boxes[4 * i] * sx, 0, width);
            boxes[4 * i + 1] = Math.Clamp(record.Boxes[4 * i + 1] * sy, 0, height);
            boxes[4 * i + 2] = Math.Clamp(record.Boxes[4 * i + 2] * sx, 0, width);
            boxes[4 * i + 3] = Math.Clamp(record.Boxes[4 * i + 3] * sy, 0, height);
            areas[i] = record.Areas?[i] ?? (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
        }
        var ids = record.AnnotationIds ?? Enumerable.Range(0, n).Select(i => (long)i).ToArray();
        return new BoxAnnotations(record.ImageId, width, height, boxes, record.Classes, record.Crowd ?? new bool[n], areas, ids);
    }

    /// <summary>The non-crowd boxes and their classes.</summary>
    public static (float[] Boxes, long[] Labels) TrainingTargets(BoxAnnotations a)
    {
        var boxes = new List<float>(a.Boxes.Length);
        var labels = new List<long>(a.Count);
        for (int i = 0; i < a.Count; i++)
        {
            if (a.Crowd[i]) continue;
            boxes.AddRange(a.Boxes.AsSpan(4 * i, 4));
            labels.Add(a.Classes[i]);
        }
        return (boxes.ToArray(), labels.ToArray());
    }

    int CheckIndex(int index) => (uint)index < (uint)records.Length
        ? index
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"{Source} has {records.Length} images");
}
