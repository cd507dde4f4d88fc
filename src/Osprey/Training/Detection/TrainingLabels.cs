using Osprey.Data;
using Osprey.Data.Datasets;
using Osprey.Data.Datasets.Detection;
using Osprey.Visuals.Plots;

namespace Osprey.Training.Detection;

/// <summary>
/// The labelled boxes of a detect run's training set, read from the records its dataset was opened with (no image is
/// decoded), through the wrappers the tasks put around it (the augmenting <see cref="MultiSampleDataset"/>, a
/// <see cref="Subset"/> for a fraction): what labels.jpg plots. Crowd regions are left out, as training leaves them.
/// </summary>
public static class TrainingLabels
{
    public static List<LabelBox> Of(IDataset<Sample> dataset) => dataset switch
    {
        MultiSampleDataset multi => Of(multi.Inner),
        Subset { Source: DetectionDataset source } subset => subset.Indices.SelectMany(i => Boxes(source.Records[i])).ToList(),
        DetectionDataset detection => detection.Records.SelectMany(Boxes).ToList(),
        _ => throw new ArgumentException($"labels.jpg: the training set ({dataset.GetType().Name}) is not a detection dataset (or a subset of one)"),
    };

    /// <summary>A record's non-crowd boxes as normalized centre and size, clipped to the image.</summary>
    public static IEnumerable<LabelBox> Boxes(DetectionRecord record)
    {
        double sx = record.Normalized ? 1 : record.Width, sy = record.Normalized ? 1 : record.Height;
        if (!(sx > 0 && sy > 0))
            throw new InvalidDataException($"{record.ImagePath}: its boxes are in pixels but the image size is unknown");
        for (int i = 0; i < record.Count; i++)
        {
            if (record.Crowd?[i] == true) continue;
            double x0 = Math.Clamp(record.Boxes[4 * i] / sx, 0, 1), y0 = Math.Clamp(record.Boxes[4 * i + 1] / sy, 0, 1);
            double x1 = Math.Clamp(record.Boxes[4 * i + 2] / sx, 0, 1), y1 = Math.Clamp(record.Boxes[4 * i + 3] / sy, 0, 1);
            yield return new LabelBox((int)record.Classes[i], (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0);
        }
    }
}
