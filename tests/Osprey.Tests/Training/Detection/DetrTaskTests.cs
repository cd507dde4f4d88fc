using Osprey.Data.Datasets.Scenes;
using Osprey.Data.Images;
using Osprey.Tests.Data;
using Osprey.Training;
using Osprey.Training.Detection;

namespace Osprey.Tests.Training.Detection;

/// <summary>The detect task with a DETR model end to end on a few generated scenes: train, validate, predict, save.</summary>
public class DetrTaskTests
{
    [Fact]
    public void TrainsValidatesAndPredictsOnScenesInCocoFormat()
    {
        using var work = new TempFolder();
        var scenes = Path.Combine(work.Root, "scenes");
        FashionScenes.Generate(scenes, new FashionScenesOptions { TrainImages = 6, ValImages = 3, MinSize = 64, MaxSize = 80, MinObjects = 1, MaxObjects = 2, MinScale = 0.3, MaxScale = 0.5 });
        var train = Path.Combine(scenes, "annotations", "instances_train.json");
        var options = TrainOptions.For("detect", "detr-r18-light") with
        {
            Data = train, Epochs = 2, Batch = 3, Imgsz = 64, Workers = 0, Project = work.PathOf("runs"),
        };
        var recorder = new TrainingSetup.Recorder();
        string run;
        using (var trainer = Trainer.Create(options, [recorder]))
        {
            run = trainer.RunDirectory;
            Assert.Equal(1e-4, trainer.Options.Lr0);   // the official transformer rate, not the classification default
            Assert.Equal([1e-4, 1e-5], trainer.Optimizer.ParamGroups.Select(g => g.Lr));
            trainer.Train();
        }
        var header = File.ReadAllLines(Path.Combine(run, Trainer.ResultsFile))[0];
        Assert.Equal("epoch,time,train/loss_ce,train/loss_bbox,train/loss_giou,train/class_error,train/cardinality_error," +
                     "metrics/AP,metrics/AP50,metrics/AP75,metrics/AR100," +
                     "val/loss_ce,val/loss_bbox,val/loss_giou,val/class_error,val/cardinality_error,lr/pg0,lr/pg1", header);
        Assert.All(recorder.Epochs, e => Assert.True(double.IsFinite(e.TrainTerms["loss_giou"]) && e.Metrics["metrics/AP"] is >= 0 and <= 1));

        using var trained = TrainedModel.Load(Path.Combine(run, Trainer.LastCheckpoint));
        var report = TaskRegistry.Get("detect", trained.Info.Model).Validate(trained, new ValidationRequest(Batch: 2, Workers: 0));
        Assert.Equal(["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"], report.Summary.Select(m => m.Name));
        Assert.Equal(10, report.PerClass.Rows.Count);

        var image = Directory.GetFiles(Path.Combine(scenes, "images", "val")).Order().First();
        var saved = work.PathOf("predicted");
        var prediction = TaskRegistry.Get("detect", trained.Info.Model)
            .Predict(trained, [image], new PredictRequest(SaveDirectory: saved) { Confidence = 0 }).Single();
        var detections = prediction.ToJson()["detections"]!.AsArray();
        Assert.Equal(50, detections.Count);   // every query of the light model clears a 0 threshold
        using var scope = TensorScope.Begin();
        var written = ImageCodec.Read(Path.Combine(saved, Path.GetFileNameWithoutExtension(image) + ".jpg"), ImageReadMode.Rgb);
        Assert.Equal(ImageCodec.Read(image, ImageReadMode.Rgb).Shape, written.Shape);
    }
}
