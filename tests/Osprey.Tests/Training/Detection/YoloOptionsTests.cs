using Osprey.Data;
using Osprey.Data.Transforms.Detection;
using Osprey.Tests.Data;
using Osprey.Tests.Data.Transforms.Detection;
using Osprey.Torch;
using Osprey.Training;
using Osprey.Training.Detection;

namespace Osprey.Tests.Training.Detection;

/// <summary>
/// ultralytics' training keys as options of the detect task: each reaches the augmentation or the optimizer recipe
/// it names, mosaic=0 draws no mosaic, all-zero geometry leaves the letterboxed image as it is, close_mosaic ends
/// mosaic and mixup at ultralytics' epoch, args.yaml round-trips, and other tasks refuse the keys by name.
/// </summary>
public class YoloOptionsTests
{
    static TrainOptions Detect(params string[] overrides) => OptionsReader.Read(null, ["task=detect", "model=yolo11n", .. overrides]);

    [Fact]
    public void DetectDefaultsAreUltralytics()
    {
        var o = Detect();
        var a = YoloTransforms.Augment(o);
        Assert.Equal(new YoloAugment(), a);   // hsv 0.015/0.7/0.4, translate 0.1, scale 0.5, fliplr 0.5, mosaic 1, close_mosaic 10
        var h = YoloSteps.Hyperparameters(o with { Lr0 = o.Lr0 ?? 0.01 });
        Assert.Equal(new Osprey.Training.Ultralytics.UltralyticsHyperparameters(), h);
    }

    [Fact]
    public void EveryKeyReachesWhatItNames()
    {
        var o = Detect("hsv_h=0.1", "hsv_s=0.2", "hsv_v=0.3", "degrees=10", "translate=0.2", "scale=0.25", "shear=2", "perspective=0.0005",
                       "flipud=0.5", "fliplr=0.25", "mosaic=0.75", "mixup=0.1", "close_mosaic=3",
                       "optimizer=sgd", "lr0=0.02", "momentum=0.95", "warmup_epochs=1", "warmup_momentum=0.7", "warmup_bias_lr=0.05", "nbs=32", "cos_lr=true");
        Assert.Equal(new YoloAugment
        {
            HsvH = 0.1, HsvS = 0.2, HsvV = 0.3, Degrees = 10, Translate = 0.2, Scale = 0.25, Shear = 2, Perspective = 0.0005,
            FlipUD = 0.5, FlipLR = 0.25, MosaicProbability = 0.75, MixUpProbability = 0.1, CloseMosaic = 3,
        }, YoloTransforms.Augment(o));
        var h = YoloSteps.Hyperparameters(o);
        Assert.Equal(("SGD", 0.02, 0.95, 1.0, 0.7, 0.05, 32, true),
                     (h.Optimizer, h.Lr0, h.Momentum, h.WarmupEpochs, h.WarmupMomentum, h.WarmupBiasLr, h.Nbs, h.CosLr));
        Assert.Equal("auto", YoloSteps.Hyperparameters(Detect("optimizer=auto")).Optimizer);
        Assert.Equal("AdamW", YoloSteps.Hyperparameters(Detect("optimizer=adamw")).Optimizer);
        Assert.True(YoloSteps.Hyperparameters(Detect("schedule=cosine")).CosLr);
    }

    [Fact]
    public void MosaicZeroDrawsNoMosaicAndZeroGeometryKeepsTheLetterbox()
    {
        using var scope = TensorScope.Begin();
        var data = new YoloTrainTransformTests.Boxes(10);
        var plain = YoloTransforms.Augment(Detect("mosaic=0", "degrees=0", "translate=0", "scale=0", "shear=0", "perspective=0",
                                                  "hsv_h=0", "hsv_s=0", "hsv_v=0", "fliplr=0", "flipud=0"));
        var set = YoloTransforms.TrainSet(data, plain, 64, epochs: 30);
        for (int i = 0; i < 6; i++)
        {
            var s = set.Get(new SampleContext(i, 0, SeedMix.Generator(3, 0, i)));
            // One image's own box only, exactly where the letterbox puts it (64x48 -> 64x64: 8 rows of padding on top).
            Assert.Equal([(long)i], s.BoxLabels!.ToArray<long>());
            Expect.Close(Tensor.From(new float[] { 0, 8, 32, 56 }, 1, 4), s.Boxes!, 1e-4, 1e-4, $"sample {i}");
            var expected = new LetterBox(64).Apply(data.Get(i)).Image;
            Assert.Equal(expected.ToBytes(), s.Image.ToBytes());
        }
        // With the default mosaic the same samples bring in partners' boxes.
        var mosaic = YoloTransforms.TrainSet(data, YoloTransforms.Augment(Detect()), 64, epochs: 30);
        var labels = Enumerable.Range(0, 6).SelectMany(i => mosaic.Get(new SampleContext(i, 0, SeedMix.Generator(3, 0, i))).BoxLabels!.ToArray<long>()).ToHashSet();
        Assert.True(labels.Count > 6, $"mosaic should bring other images' boxes: {string.Join(", ", labels)}");
    }

    [Fact]
    public void CloseMosaicEndsMosaicAndMixupAtUltralyticsEpoch()
    {
        var a = YoloTransforms.Augment(Detect("close_mosaic=3", "mixup=0.5"));
        // ultralytics closes when epoch == epochs - close_mosaic (0-based): epoch 9 of 12.
        Assert.True(a.MosaicOn(8, 12));
        Assert.Equal(a, a.ForEpoch(8, 12));
        Assert.False(a.MosaicOn(9, 12));
        Assert.Equal((0.0, 0.0), (a.ForEpoch(9, 12).MosaicProbability, a.ForEpoch(9, 12).MixUpProbability));
        Assert.False(a.MosaicOn(11, 12));
        // A run no longer than close_mosaic: closed from epoch 0 when equal, never when shorter (the epoch is never reached).
        Assert.False(a.MosaicOn(0, 3));
        Assert.True(a.MosaicOn(1, 2));
        Assert.True(YoloTransforms.Augment(Detect("close_mosaic=0")).MosaicOn(99, 100));

        using var scope = TensorScope.Begin();
        var set = YoloTransforms.TrainSet(new YoloTrainTransformTests.Boxes(10), YoloTransforms.Augment(Detect("close_mosaic=3", "fliplr=0")), 64, epochs: 12);
        int Labels(int epoch) => Enumerable.Range(0, 6)
            .SelectMany(i => set.Get(new SampleContext(i, epoch, SeedMix.Generator(3, epoch, i))).BoxLabels!.ToArray<long>().Where(l => l != i)).Count();
        Assert.True(Labels(8) > 0);
        Assert.Equal(0, Labels(9));
    }

    [Fact]
    public void ArgsYamlRoundTrips()
    {
        using var folder = new TempFolder();
        var o = Detect("hsv_h=0.02", "degrees=12.5", "scale=0.9", "mosaic=0.5", "mixup=0.15", "close_mosaic=0", "optimizer=auto",
                       "warmup_momentum=0.5", "warmup_bias_lr=0", "nbs=128", "cos_lr=true", "flipud=0.1");
        var yaml = folder.Write("args.yaml", System.Text.Encoding.UTF8.GetBytes(OptionsReader.ToYaml(o)));
        Assert.Contains("optimizer: auto\n", File.ReadAllText(yaml));
        Assert.Contains("close_mosaic: 0\n", File.ReadAllText(yaml));
        Assert.Equal(o, OptionsReader.Read(yaml));
    }

    [Fact]
    public void OtherTasksRefuseTheKeysByName()
    {
        static OptionsException Refused(params string[] overrides) =>
            Assert.Throws<OptionsException>(() => OptionsReader.Read(null, ["task=classify", "model=seresnet18", .. overrides]));
        var auto = Refused("optimizer=auto");
        Assert.Equal("optimizer", auto.Key);
        Assert.Contains("only the detect task's YOLO models", auto.Message);
        foreach (var (key, value) in new[] { ("mosaic", "0.5"), ("hsv_h", "0"), ("degrees", "3"), ("close_mosaic", "2"), ("nbs", "32"), ("cos_lr", "true") })
        {
            var e = Refused($"{key}={value}");
            Assert.Equal(key, e.Key);
            Assert.Contains("belongs to the detect task's YOLO recipe", e.Message);
        }
        // scale: classification's random-resized-crop area in (0, 1], the detect task's perspective gain in [0, 1).
        Assert.Equal("scale", Refused("scale=0").Key);
        Assert.Equal(0.08, OptionsReader.Read(null, ["task=classify", "model=seresnet18", "scale=0.08"]).Scale);
        Assert.Equal(0.0, Detect("scale=0").Scale);
        Assert.Equal("scale", Assert.Throws<OptionsException>(() => Detect("scale=1")).Key);
        Assert.Equal("schedule", Assert.Throws<OptionsException>(() => Detect("schedule=constant")).Key);
        Assert.Equal("mosaic", Assert.Throws<OptionsException>(() => Detect("mosaic=1.5")).Key);
        // DETR is a detect model too, but not a YOLO: ultralytics' keys are refused there as well.
        Assert.Equal("mosaic", Assert.Throws<OptionsException>(() => OptionsReader.Read(null, ["task=detect", "model=detr-r50", "mosaic=0"])).Key);
    }
}
