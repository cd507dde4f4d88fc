using Osprey.Data.Datasets.Detection;
using Osprey.Data.Datasets.Scenes;

namespace Osprey.Training.Detection;

/// <summary>
/// Where detection data comes from, as COCO files: <c>fashion-scenes</c> (the built-in scenes, generated once into the
/// cache) or a COCO instances file for training (<c>.../instances_train2017.json</c>) whose validation file is the
/// same name with "train" replaced by "val". Categories are remapped to contiguous classes, names kept (or, with
/// <see cref="CocoCategoryIds.Original"/>, kept as their ids).
/// </summary>
public static class DetectionSource
{
    public static (DetectionDataset Train, DetectionDataset Val, string Description) OpenCoco(string spec, Action<string>? log = null,
                                                                                              CocoCategoryIds ids = CocoCategoryIds.Contiguous)
    {
        string train, val;
        if (spec == FashionScenes.Name)
        {
            var folder = FashionScenes.Ensure(log: log);
            (train, val) = (Path.Combine(folder, "annotations", "instances_train.json"), Path.Combine(folder, "annotations", "instances_val.json"));
        }
        else if (spec.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(spec)) throw new FileNotFoundException($"data '{spec}' does not exist (expected fashion-scenes or a COCO instances_train*.json)", spec);
            var name = Path.GetFileName(spec);
            if (!name.Contains("train", StringComparison.Ordinal))
                throw new ArgumentException($"data '{spec}': the training file's name must contain 'train' so that its 'val' file can be found");
            train = spec;
            val = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(spec))!, name.Replace("train", "val", StringComparison.Ordinal));
            if (!File.Exists(val)) throw new FileNotFoundException($"data '{spec}': no validation file {val} beside it", val);
        }
        else throw new ArgumentException($"data '{spec}': expected fashion-scenes or a COCO instances_train*.json file");
        var trainSet = CocoDataset.Open(train, categories: ids, log: log);
        var valSet = CocoDataset.Open(val, categories: ids, log: log);
        if (!trainSet.Classes.SequenceEqual(valSet.Classes))
            throw new InvalidDataException($"{val} has categories [{string.Join(", ", valSet.Classes)}], {train} has [{string.Join(", ", trainSet.Classes)}]");
        return (trainSet, valSet, $"COCO {train}");
    }
}
