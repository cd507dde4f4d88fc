using Osprey.Data.Images;
using Osprey.Data.Transforms;
using Osprey.Models;
using Osprey.Tests.Data;
using Osprey.Torch.Serialization;
using Osprey.Training;
using Osprey.Training.Detection;

namespace Osprey.Tests.Training.Detection;

/// <summary>predict --attention on a DETR checkpoint: one picture per kept object, twice the image's width.</summary>
public class DetrAttentionPicturesTests
{
    /// <summary>A detr-r18-light checkpoint (random weights, 3 classes, 64 px) as osprey train writes one.</summary>
    internal static string WriteCheckpoint(TempFolder work, ulong seed = 0)
    {
        var options = TrainOptions.For("detect", "detr-r18-light") with { Imgsz = 64 };
        var args = new ModelArgs(3, 3, 64, options.ModelOptions);
        var info = new RunInfo("detect", options.Model, ["a", "b", "c"], 3, 64, ModelRegistry.Get(options.Model).Resolve(args),
                               Normalize.ImageNetMean, Normalize.ImageNetStd, options);
        LibTorch.ManualSeed(seed);
        using var model = info.BuildModel();
        var path = work.PathOf("detr.ckpt");
        using var checkpoint = TrainingCheckpoint.Capture(model.StateDict(), options: info.ToJson());
        checkpoint.Save(path);
        return path;
    }

    [Fact]
    public void EveryKeptQueryGetsItsMapBesideItsBox()
    {
        using var scope = TensorScope.Begin();
        using var work = new TempFolder();
        using var trained = TrainedModel.Load(WriteCheckpoint(work));
        var image = work.PathOf("shot.png");
        ImageCodec.Write(image, Tensor.Randint(0, 256, [3, 50, 90], DType.UInt8));
        var detector = new DetrDetector(trained);
        var all = detector.Detect(image, 0);
        Assert.Equal(50, all.Objects.Count);   // every query at threshold 0
        double fifth = all.Objects[4].Score;

        var task = TaskRegistry.Get("detect", trained.Info.Model);
        var saved = work.PathOf("predict");
        var prediction = (DetectionPrediction)task.Predict(trained, [image], new PredictRequest(SaveDirectory: saved) { Confidence = fifth, Attention = true }).Single();
        Assert.Equal(5, prediction.Objects.Count);
        var pictures = Directory.GetFiles(Path.Combine(saved, DetrDetector.AttentionFolder)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(5, pictures.Length);
        foreach (var picture in pictures)
        {
            Assert.Matches(@"shot_q\d+\.jpg$", picture);
            using var read = ImageCodec.Read(picture, ImageReadMode.Rgb);
            Assert.Equal([3L, 50, 180], read.Shape);
        }
        Assert.True(File.Exists(Path.Combine(saved, "shot.jpg")));

        // The same objects, in the same order, as without the pictures; the query numbers are those of the kept objects.
        var (again, paths) = detector.DetectWithAttention(image, fifth, work.PathOf("again"));
        Assert.Equal(prediction.Objects, again.Objects);
        Assert.Equal(all.Objects.Take(5), again.Objects);
        Assert.Equal(pictures.Select(Path.GetFileName).Order(StringComparer.Ordinal), paths.Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
