using Osprey.Data.Datasets.Detection;
using Osprey.Data.Datasets.Scenes;

namespace Osprey.Training.Detection;

/// <summary>
/// Where the detect task's data comes from: <c>fashion-scenes</c> (the built-in scenes, generated on first use), an
/// ultralytics dataset YAML (train and val splits), a COCO instances JSON whose val file sits next to it with
/// "train" replaced by "val" in its name (<c>instances_train2017.json</c> and <c>instances_val2017.json</c>), or a
/// dlib imglab XML (<c>training.xml</c> beside <c>testing.xml</c>, <see cref="ImglabDataset"/>).
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
        if (extension == ".xml") return FromImglab(spec, log);
        throw new InvalidDataException($"data '{spec}': expected a .yaml/.yml dataset file, a .json COCO instances file or a dlib imglab .xml file");
    }

    static YoloData FromYaml(string yaml, int? size, string description, Action<string>? log)
    {
        var dataset = DatasetYaml.Read(yaml);
        if (!dataset.Splits.ContainsKey("val"))
            throw new InvalidDataException($"{yaml}: no 'val' split (the detect task validates every epoch on it)");
        return new YoloData(YoloDataset.Open(dataset, "train", log), YoloDataset.Open(dataset, "val", log), size, description);
    }

    /// <summary>dlib's imglab XML: the validation file is the training file's name with "training" replaced by
    /// "testing" (dlib's examples/faces), else "train" by "val" or by "test".</summary>
    static YoloData FromImglab(string trainFile, Action<string>? log)
    {
        var name = Path.GetFileName(trainFile);
        var folder = Path.GetDirectoryName(Path.GetFullPath(trainFile))!;
        string[] candidates = new[] { ("training", "testing"), ("train", "val"), ("train", "test") }
            .Where(p => name.Contains(p.Item1, StringComparison.Ordinal))
            .Select(p => Path.Combine(folder, name.Replace(p.Item1, p.Item2, StringComparison.Ordinal))).Distinct().ToArray();
        var val = candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(candidates.Length == 0
                ? $"data '{trainFile}': the training file's name must contain 'training' or 'train' so that its validation file can be found"
                : $"data '{trainFile}': no validation file beside it (tried {string.Join(", ", candidates)})");
        var (train, valSet) = ImglabDataset.OpenPair(trainFile, val, log: log);
        return new YoloData(train, valSet, null, $"dlib imglab {Path.GetFullPath(trainFile)}");
    }

    static YoloData FromCoco(string trainFile, Action<string>? log)
    {
        var (train, val, description) = DetectionSource.OpenCoco(trainFile, log);
        return new YoloData(train, val, null, description);
    }
}
