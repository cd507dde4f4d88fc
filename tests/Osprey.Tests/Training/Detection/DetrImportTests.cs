using System.Text.Json.Nodes;
using Osprey.Data.Datasets.Detection;
using Osprey.Data.Datasets.Scenes;
using Osprey.Data.Images;
using Osprey.Tests.Data;
using Osprey.Torch.Serialization;
using Osprey.Training;
using Osprey.Training.Detection;

namespace Osprey.Tests.Training.Detection;

/// <summary>
/// The official DETR release layout (torch.save of {"model": state_dict, "epoch": ...}, 91 classes + no-object), as
/// tools/reference/detr_reference.py writes it with random weights (the official files are not available offline):
/// as --weights of val and predict (DETR-R50, COCO's 91 ids and names, every tensor equal to the file), and as the
/// starting weights of a run with another class count (the class head re-initialized and reported, the rest equal).
/// </summary>
public class DetrImportTests
{
    static string OfficialFile => Path.Combine(ReferenceOutputs.Folder("detr_reference.py"), "detr_r50.pth");

    [Fact]
    public void AnOfficialCheckpointIsDetrR50WithCocoIdsAndTheFilesWeights()
    {
        using var scope = TensorScope.Begin();
        var saved = TorchLoad.LoadStateDict(OfficialFile);
        using var trained = TrainedModel.Load(OfficialFile);
        Assert.Equal(("detect", "detr-r50", 800), (trained.Info.Task, trained.Info.Model, trained.Info.ImageSize));
        Assert.Equal(91, trained.Classes.Count);
        Assert.Equal(CocoCategories.OriginalNames, trained.Classes);
        Assert.Equal(["N/A", "person", "bicycle"], trained.Classes.Take(3));
        Assert.Equal("toothbrush", trained.Classes[90]);
        Assert.Equal(80, trained.Classes.Count(n => n != "N/A"));
        var state = trained.Model.StateDict();
        Assert.Equal(saved.Keys.Order(StringComparer.Ordinal), state.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in saved) Assert.True(value.Equal(state[key]), $"{key} differs from the file");

        // predict: names by COCO id; the official demo's threshold 0.7 unless asked otherwise.
        using var work = new TempFolder();
        var image = work.PathOf("shot.png");
        ImageCodec.Write(image, Tensor.Randint(0, 256, [3, 48, 64], DType.UInt8));
        var detector = new DetrDetector(trained);
        var all = detector.Detect(image, 0);
        Assert.Equal(100, all.Objects.Count);
        Assert.All(all.Objects, o => Assert.Equal(CocoCategories.OriginalNames[o.Class], o.Name));
        var task = TaskRegistry.Get("detect", trained.Info.Model);
        var byDefault = (DetectionPrediction)task.Predict(trained, [image], new PredictRequest()).Single();
        Assert.Equal(all.Objects.Where(o => o.Score >= 0.7), byDefault.Objects);
        Assert.Equal(0.7, DetrDetector.DefaultThreshold);
    }

    [Fact]
    public void AnOfficialCheckpointEvaluatesOnCocoWithItsCategoryIds()
    {
        using var scope = TensorScope.Begin();
        using var work = new TempFolder();
        ImageCodec.Write(work.PathOf("val2017/a.png"), Tensor.Randint(0, 256, [3, 40, 48], DType.UInt8));
        Directory.CreateDirectory(work.PathOf("train2017"));
        var categories = new JsonArray(CocoCategories.OriginalNames.Select((n, id) => (n, id)).Where(c => c.n != "N/A")
            .Select(c => (JsonNode)new JsonObject { ["id"] = c.id, ["name"] = c.n }).ToArray());
        string Coco(string file) => new JsonObject
        {
            ["images"] = new JsonArray(new JsonObject { ["id"] = 1, ["file_name"] = file, ["width"] = 48, ["height"] = 40 }),
            ["annotations"] = new JsonArray(new JsonObject { ["id"] = 7, ["image_id"] = 1, ["category_id"] = 18, ["bbox"] = new JsonArray(4, 5, 20, 30), ["area"] = 600, ["iscrowd"] = 0 }),
            ["categories"] = categories.DeepClone(),
        }.ToJsonString();
        work.Write("annotations/instances_train2017.json", System.Text.Encoding.UTF8.GetBytes(Coco("a.png")));
        work.Write("annotations/instances_val2017.json", System.Text.Encoding.UTF8.GetBytes(Coco("a.png")));
        using var trained = TrainedModel.Load(OfficialFile);
        var task = TaskRegistry.Get("detect", trained.Info.Model);

        var missing = Assert.Throws<ArgumentException>(() => task.Validate(trained, new ValidationRequest(Batch: 1, Workers: 0)));
        Assert.Contains("names no dataset", missing.Message);
        // The data are named by the training file, as for training; its images are in train2017/.
        File.Copy(work.PathOf("val2017/a.png"), work.PathOf("train2017/a.png"));
        var report = task.Validate(trained, new ValidationRequest(work.PathOf("annotations/instances_train2017.json"), 1, 0));
        Assert.Contains("1 images", report.Headline);
        Assert.Equal(12, report.Summary.Count);
        Assert.All(report.Summary, m => Assert.True(m.Value is >= 0 and <= 1 || m.Value == -1, $"{m.Name} {m.Value}"));
    }

    [Fact]
    public void FineTuningFromTheOfficialLayoutReinitializesTheClassHeadAndLoadsTheRest()
    {
        using var scope = TensorScope.Begin();
        var saved = TorchLoad.LoadStateDict(OfficialFile);
        using var work = new TempFolder();
        var scenes = work.PathOf("scenes");
        FashionScenes.Generate(scenes, new FashionScenesOptions { TrainImages = 2, ValImages = 1, MinSize = 64, MaxSize = 64, MinObjects = 1, MaxObjects = 1, MinScale = 0.3, MaxScale = 0.5 });
        var options = TrainOptions.For("detect", "detr-r50") with
        {
            Data = Path.Combine(scenes, "annotations", "instances_train.json"), Epochs = 1, Imgsz = 64, Workers = 0,
            Project = work.PathOf("runs"), Weights = OfficialFile,
        };
        using var trainer = Trainer.Create(options);
        var transfer = trainer.Transfer!;
        Assert.Equal(saved.Count - 2, transfer.Loaded);
        Assert.Equal(["class_embed.bias", "class_embed.weight"], transfer.Report.ShapeMismatches.Select(m => m.Key).Order(StringComparer.Ordinal));
        Assert.Empty(transfer.Report.MissingKeys);
        Assert.Empty(transfer.Report.UnexpectedKeys);
        Assert.Contains("not loaded (shape): class_embed.weight", transfer.ToString());
        var state = trainer.Model.StateDict();
        Assert.Equal([11L, 256], state["class_embed.weight"].Shape);   // 10 scene classes + no-object
        foreach (var (key, value) in saved)
            if (!key.StartsWith("class_embed.", StringComparison.Ordinal))
                Assert.True(value.Equal(state[key]), $"{key} differs from the file");
    }

    [Fact]
    public void ATorchFileOfAnotherLayoutIsRefusedByName()
    {
        using var scope = TensorScope.Begin();
        using var work = new TempFolder();
        var path = work.PathOf("other.pth");
        TorchSave.SaveStateDict(path, new Dictionary<string, Tensor> { ["fc.weight"] = Tensor.Zeros([2, 3]) });
        var e = Assert.Throws<ArgumentException>(() => TrainedModel.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("official DETR release", e.Message);
    }
}
