using Osprey.Training;

namespace Osprey.Tests.Training;

/// <summary>Options start from the defaults of the task and model they name; every key the user gives wins, wherever it
/// stands relative to the task key.</summary>
public class TaskDefaultsTests
{
    [Fact]
    public void SegmentStartsFromThePspnetPaperRecipeWithUnet()
    {
        var o = OptionsReader.Read(overrides: ["task=segment"]);
        Assert.Equal(("unet", "fashion-scenes", 16, 1e-4, false), (o.Model, o.Data, o.Batch, o.WeightDecay, o.Nesterov));
    }

    [Fact]
    public void DetectStartsFromUltralyticsDefaultsAndDetrFromMainPy()
    {
        var yolo = OptionsReader.Read(overrides: ["task=detect"]);
        Assert.Equal(("yolo11n", "fashion-scenes", 16, true, 0.937, 3.0, ScheduleKind.Linear),
                     (yolo.Model, yolo.Data, yolo.Batch, yolo.Ema, yolo.Momentum, yolo.WarmupEpochs, yolo.Schedule));
        var detr = OptionsReader.Read(overrides: ["model=detr-r50", "task=detect"]);
        Assert.Equal(("detr-r50", 2, OptimizerKind.AdamW, 1e-4, 0.1, 0.0), (detr.Model, detr.Batch, detr.Optimizer, detr.WeightDecay, detr.GradClip, detr.WarmupEpochs));
    }

    [Fact]
    public void GivenKeysWinOverTheTaskDefaultsWhateverTheirOrder()
    {
        var o = OptionsReader.Read(overrides: ["ema=false", "batch=4", "task=detect"]);
        Assert.Equal((false, 4, 0.937), (o.Ema, o.Batch, o.Momentum));
        Assert.Equal(TrainOptions.For("classify"), OptionsReader.Read());
        Assert.Equal(new TrainOptions(), TrainOptions.For("classify"));
    }

    [Fact]
    public void AnUnknownTaskOrModelIsStillNamedByValidation()
    {
        Assert.Equal("task", Assert.Throws<OptionsException>(() => OptionsReader.Read(overrides: ["task=track"])).Key);
        Assert.Equal("model", Assert.Throws<OptionsException>(() => OptionsReader.Read(overrides: ["task=detect", "model=yolo99"])).Key);
    }
}
