using Osprey.Data.Datasets.Detection;
using Osprey.Data.Datasets.Scenes;

namespace Osprey.Training.Detection;

/// <summary>
/// Where the detect task's data comes from: <c>fashion-scenes</c> (the built-in scenes, generated on first use), an
/// ultralytics dataset YAML (train and val splits), or a COCO instances JSON whose val file sits next to it with
/// "train" replaced by "val" in its name (<c>instances_train2017.json</c> and <c>instances_val2017.json</c>).
/// <see cref="DefaultImageSize"/> is the input side when <c>--imgsz</c> is not given: 256 for the scenes (their largest
/// side, so nothing is upsampled), else the model's (640 for YOLO11).
/// </summary>
public sealed record YoloData(DetectionDataset Train, DetectionDataset Val, int? DefaultImageSize, string Description)
{
    public const int ScenesImageSize = 256;

    public static YoloData Open(string spec, Action<string>? log = null)
    {
        if (spec == FashionScenes.Name)
        {
            var yaml = Path.Combine(FashionScenes.Ensure(log: log), "data.yaml");
            return FromYaml(yaml, ScenesImageSize, $"{FashionScenes.Name} ({Path.GetDirectoryName(yaml)})", log);
        }
        if (!File.Exists(spec))
            throw new FileNotFoundException(Directory.Exists(spec)
                ? $"data '{spec}' is a folder; expected {FashionScenes.Name}, a dataset YAML or a COCO instances JSON file"
                : $"data '{spec}' does not exist (expected {FashionScenes.Name}, a dataset YAML or a COCO instances JSON file)", spec);
        var extension = Path.GetExtension(spec).ToLowerInvariant();
        if (extension is ".yaml" or ".yml") return FromYaml(spec, null, $"dataset YAML {Path.GetFullPath(spec)}", log);
        if (extension == ".json") return FromCoco(spec, log);
        throw new InvalidDataException($"data '{spec}': expected a .yaml/.yml dataset file or a .json COCO instances file");
    }

    static YoloData FromYaml(string yaml, int? size, string description, Action<string>? log)
    {
        var dataset = DatasetYaml.Read(yaml);
        if (!dataset.Splits.ContainsKey("val"))
            throw new InvalidDataException($"{yaml}: no 'val' split (the detect task validates every epoch on it)");
        return new YoloData(YoloDataset.Open(dataset, "train", log), YoloDataset.Open(dataset, "val", log), size, description);
    }

    static YoloData FromCoco(string trainFile, Action<string>? log)
    {
        var (train, val, description) = DetectionSource.OpenCoco(trainFile, log);
        return new YoloData(train, val, null, description);
    }
}
