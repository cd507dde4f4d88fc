using Osprey.Tests.Data;
using Osprey.Tests.Models.Detection.Yolo;
using Osprey.Torch;
using Osprey.Torch.Serialization;
using Osprey.Training;
using Osprey.Training.Detection;

namespace Osprey.Tests.Training.Detection;

/// <summary>
/// ultralytics-style checkpoints (tools/reference/yolo_reference.py: the pickled fp16 DetectionModel under "ema",
/// train_args.imgsz 256, no names) as weights for val and predict with --model: the class count read from the head,
/// every weight the file's, the input side from train_args, the AGPL-3.0 notice at most once, and named errors for a
/// torch file without --model, a model it does not fit and a model family that takes no foreign weights here.
/// </summary>
public class UltralyticsWeightsTests
{
    static string Reference(string name) => Path.Combine(ReferenceOutputs.Folder("yolo_reference.py", YoloParityTests.YoloConfigs), name + ".pt");

    [Theory]
    [InlineData("yolo11n")]
    [InlineData("yolo11n-multiseam")]
    public void LoadsAsTheNamedModelWithEveryWeightOfTheFile(string name)
    {
        using var scope = TensorScope.Begin();
        var path = Reference(name);
        Assert.True(TorchLoad.IsTorchFile(path));
        var messages = new List<string>();
        using var trained = TrainedModel.Open(path, name, messages.Add);
        Assert.True(trained.Foreign);
        Assert.Equal(("detect", name, 256), (trained.Info.Task, trained.Info.Model, trained.Info.ImageSize));
        Assert.Equal(Enumerable.Range(0, 80).Select(i => $"class{i}"), trained.Classes);
        var file = TorchLoad.LoadStateDict(path);
        foreach (var (key, value) in trained.Model.StateDict())
            Assert.True(file[key].To(value.DType).Equal(value), $"{key} is not the file's");
        Assert.All(messages, m => Assert.Contains("AGPL-3.0", m));
        Assert.True(messages.Count <= 1);
        Assert.False(UltralyticsWeights.WarnOnce(messages.Add));   // whoever loaded first was warned; never again
    }

    [Fact]
    public void PredictsOnAnImageThroughTheDetectTask()
    {
        using var folder = new TempFolder();
        var image = folder.CopyImage("rgb.png", "a.png");   // 14 x 10
        using var trained = TrainedModel.Open(Reference("yolo11n"), "yolo11n");
        var task = TaskRegistry.Get(trained.Info.Task, trained.Info.Model);
        var prediction = task.Predict(trained, [image], new PredictRequest { Confidence = 0.0, MaxDetections = 5 }).Cast<DetectionPrediction>().Single();
        Assert.Equal(5, prediction.Objects.Count);
        Assert.All(prediction.Objects, o => Assert.True(o.X0 >= 0 && o.Y0 >= 0 && o.X1 <= 14 && o.Y1 <= 10, $"box {o} outside 14x10"));
        Assert.All(prediction.Objects, o => Assert.StartsWith("class", o.Name));
    }

    [Fact]
    public void FineTunesFromThePtWithAnotherClassCountReportingTheClassConvolutions()
    {
        using var cache = new TempFolder();
        using var runs = new TempFolder();
        var yaml = Path.Combine(Osprey.Data.Datasets.Scenes.FashionScenes.Ensure(new Osprey.Data.Datasets.Scenes.FashionScenesOptions
        {
            Seed = 5, TrainImages = 4, ValImages = 2, MinSize = 64, MaxSize = 96, CacheRoot = cache.Root, ImageFormat = "png",
        }), "data.yaml");
        var options = OptionsReader.Read(null, ["task=detect", "model=yolo11n", $"data={yaml}", $"project={runs.Root}", "imgsz=64", "workers=0",
                                                $"weights={Reference("yolo11n")}"]);
        using var trainer = Trainer.Create(options);
        var transfer = trainer.Transfer!;
        // 80 classes in the file, 10 here: the class branch (cv3) keeps its initialization, as in ultralytics (its width is
        // max(64, min(classes, 100)) for yolo11n: 80 in the file, 64 here); every other tensor is the file's.
        var mismatched = transfer.Report.ShapeMismatches.Select(m => m.Key).ToList();
        Assert.All(mismatched, k => Assert.StartsWith("model.23.cv3.", k));
        Assert.Contains("model.23.cv3.2.2.weight", mismatched);
        Assert.Contains("model.23.cv3.0.0.1.conv.weight", mismatched);   // 64 -> 80 channels in the file
        Assert.Equal(transfer.Total - mismatched.Count, transfer.Loaded);
        Assert.Empty(transfer.Report.MissingKeys);
    }

    [Fact]
    public void NamedErrors()
    {
        var path = Reference("yolo11n");
        var noModel = Assert.Throws<ArgumentException>(() => TrainedModel.Open(path));
        Assert.Contains("is a PyTorch file (torch.save), not an Osprey checkpoint: pass --model NAME", noModel.Message);
        var wrong = Assert.Throws<InvalidDataException>(() => TrainedModel.Open(path, "yolo11s"));
        Assert.Contains("does not hold yolo11s weights for 80 classes", wrong.Message);
        var family = Assert.Throws<ArgumentException>(() => TrainedModel.Open(path, "seresnet18"));
        Assert.Contains("weights from other programs load here for YOLO models", family.Message);
        Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => TrainedModel.Open(path + ".missing", "yolo11n")).Message);
    }
}
