using System.Globalization;
using Osprey.Data;
using Osprey.Data.Datasets.Scenes;
using Osprey.Data.Images;
using Osprey.Data.Transforms;
using Osprey.Metrics;
using Osprey.Models;
using Osprey.Models.Segmentation;
using Osprey.Models.Segmentation.Inference;
using Osprey.Tests.Data;
using Osprey.Torch.NN;
using Osprey.Training;
using Osprey.Training.Segmentation;

namespace Osprey.Tests.Training.Segmentation;

/// <summary>One tiny UNet trained on 16 scenes of 32..48 pixels (6 val), shared by the tests below: the val images
/// larger than the 32 training crop go by sliding window unless a mode is set.</summary>
public sealed class TinySegmentationRun : IDisposable
{
    readonly TempFolder dir = new();

    public string Data { get; }
    public string Best { get; }
    /// <summary>The dataset YAML's own palette (not the VOC colour map).</summary>
    public static readonly Rgb[] Palette = [.. Enumerable.Range(0, 11).Select(c => new Rgb((byte)(20 * c + 5), (byte)(250 - 20 * c), (byte)(c % 2 * 200 + 17)))];

    public TinySegmentationRun()
    {
        var scenes = dir.PathOf("scenes");
        FashionScenes.Generate(scenes, new FashionScenesOptions
        {
            Seed = 3, TrainImages = 16, ValImages = 6, MinSize = 32, MaxSize = 48, MinObjects = 1, MaxObjects = 2,
            MinScale = 0.4, MaxScale = 0.8, CacheRoot = dir.Root, ImageFormat = "png",
        });
        // The scenes as a generic folder dataset with a palette of its own.
        var names = string.Join(", ", SegmentationSource.SceneClasses.Select(n => $"'{n}'"));
        var palette = string.Join(", ", Palette.Select(c => $"[{c.R}, {c.G}, {c.B}]"));
        Data = dir.Write("scenes.yaml", System.Text.Encoding.UTF8.GetBytes(
            $"path: scenes\ntrain: {{images: images/train, masks: masks/train}}\nval: {{images: images/val, masks: masks/val}}\n" +
            $"names: [{names}]\npalette: [{palette}]\nignore_index: 255\n"));
        var options = TrainOptions.For("segment") with
        {
            Model = "unet", Data = Data, Project = dir.PathOf("runs"), Epochs = 2, Batch = 4, Imgsz = 32,
            ModelOptions = new ModelOptionValues([new("width", "8")]),
            Optimizer = OptimizerKind.AdamW, Lr0 = 0.01, WeightDecay = 1e-4, WarmupEpochs = 0, Workers = 0, Seed = 1,
        };
        using (var trainer = Trainer.Create(options))
            trainer.Train();
        Best = dir.PathOf(Path.Combine("runs", "segment", "train", Trainer.BestCheckpoint));
    }

    public string PathOf(string relative) => dir.PathOf(relative);

    public void Dispose() => dir.Dispose();
}

/// <summary>osprey val / predict's test settings for segmentation (TTA, whole / slide, batch) and the palette the
/// checkpoint records, each against the inference functions run directly.</summary>
public class SegmentationTestTimeTests(TinySegmentationRun run) : IClassFixture<TinySegmentationRun>
{
    static ValidationReport Validate(TrainedModel trained, ValidationRequest request) => TaskRegistry.Get("segment", "unet").Validate(trained, request);

    /// <summary>mIoU of the val split with <paramref name="scores"/> (normalized image (1, 3, H, W) -> scores) per image.</summary>
    static double DirectMeanIou(TrainedModel trained, string data, Func<Tensor, Tensor> scores)
    {
        var val = SegmentationSource.Open(data).Val;
        var confusion = new SegmentationConfusion(trained.Classes.Count, val.IgnoreIndex);
        var transform = SegmentationPipelines.Val(trained.Info.Mean, trained.Info.Std);
        using var inference = Autograd.InferenceMode();
        for (int i = 0; i < val.Count; i++)
        {
            using var scope = TensorScope.Begin();
            var sample = transform.Apply(val.Get(i), new Random(0));
            confusion.AddLogits(scores(sample.Image.Unsqueeze(0)), sample.Mask!.Unsqueeze(0));
        }
        return confusion.Scores().MeanIou;
    }

    static Func<Tensor, Tensor> UNet(TrainedModel trained) => x => ((IImageModel<SegmentationOutput>)trained.Model).Run(ImageBatch.FromTensor(x)).Logits;

    /// <summary><paramref name="infer"/> on the input padded at the bottom and right to a multiple of 16 (the UNet's
    /// four poolings), the scores cropped back to the input's size.</summary>
    static Func<Tensor, Tensor> Padded16(Func<Tensor, Tensor> infer) => x =>
    {
        long h = x.Size(2), w = x.Size(3), ph = (h + 15) / 16 * 16, pw = (w + 15) / 16 * 16;
        return infer(Functional.Pad(x, [0, pw - w, 0, ph - h])).Narrow(2, 0, h).Narrow(3, 0, w);
    };

    [Fact]
    public void ValWithTtaEqualsTheTtaInferenceScoredDirectly()
    {
        using var trained = TrainedModel.Load(run.Best);
        var tta = new TestTimeAugmentation([0.75, 1.0, 1.5], Flip: true);
        var whole = new SegmentationTestOptions { Mode = SegmentationMode.Whole };
        var report = Validate(trained, new ValidationRequest(Batch: 1, Workers: 0) { Segmentation = whole with { Tta = tta } });
        var logits = Padded16(x => SegmentationInference.Whole(UNet(trained), x));
        double expected = DirectMeanIou(trained, run.Data, x => tta.Apply(logits, x));
        Assert.Equal("mIoU", report.Summary[0].Name);
        Assert.Equal(expected, report.Summary[0].Value, 12);
        Assert.Contains("TTA scales [0.75, 1, 1.5] + flip", report.Headline);

        double plain = Validate(trained, new ValidationRequest(Batch: 1, Workers: 0) { Segmentation = whole }).Summary[0].Value;
        Assert.Equal(DirectMeanIou(trained, run.Data, logits), plain, 12);
    }

    [Fact]
    public void SlideModeEqualsTheSlidingWindowScoredDirectly()
    {
        using var trained = TrainedModel.Load(run.Best);
        var report = Validate(trained, new ValidationRequest(Batch: 1, Workers: 0)
        {
            Segmentation = new SegmentationTestOptions { Mode = SegmentationMode.Slide, Crop = 16, Stride = 8 },
        });
        double expected = DirectMeanIou(trained, run.Data, Padded16(x => SegmentationInference.Slide(UNet(trained), x, (16, 16), (8, 8))));
        Assert.Equal(expected, report.Summary[0].Value, 12);
        Assert.Contains("sliding window", report.Headline);
        Assert.Throws<ArgumentException>(() => Validate(trained, new ValidationRequest(Workers: 0)
        {
            Segmentation = new SegmentationTestOptions { Mode = SegmentationMode.Whole, Crop = 16 },
        }));
    }

    [Fact]
    public void ValHonoursTheBatch()
    {
        using var trained = TrainedModel.Load(run.Best);
        Assert.Equal(1, TaskRegistry.Get("segment", "unet").DefaultValidationBatch);
        foreach (var (batch, batches) in new[] { (1, 6), (4, 2), (6, 1) })
        {
            var progress = new List<(int Done, int Total)>();
            var report = Validate(trained, new ValidationRequest(Batch: batch, Workers: 0, Progress: (d, t) => progress.Add((d, t))));
            Assert.Equal(Enumerable.Range(1, batches).Select(d => (d, batches)), progress);
            Assert.Contains($"6 images, whole or sliding window, batch {batch}", report.Headline);
            // Padding is never scored: every batch counts the val pixels alone.
            var val = SegmentationSource.Open(run.Data).Val;
            long pixels = Enumerable.Range(0, val.Count).Sum(i =>
            {
                using var sampleScope = TensorScope.Begin();
                var mask = val.Get(i).Mask!;
                return mask.Size(0) * mask.Size(1);
            });
            Assert.Equal(pixels, report.PerClass.Rows.Sum(r => long.Parse(r[1], CultureInfo.InvariantCulture)));
        }
        var train = Validate(trained, new ValidationRequest(Batch: 8, Workers: 0, Split: "train"));
        Assert.Contains("(train): 16 images", train.Headline);
        Assert.Equal("split", Assert.Throws<OptionsException>(() => Validate(trained, new ValidationRequest(Split: "test"))).Key);
    }

    [Fact]
    public void PredictDrawsTheDatasetPaletteFromTheCheckpointAlone()
    {
        using var trained = TrainedModel.Load(run.Best);
        Assert.Equal(TinySegmentationRun.Palette, trained.Info.Palette);
        Assert.Equal(255, trained.Info.IgnoreIndex);

        // The data moved away: predict needs only the checkpoint.
        var image = run.PathOf("predict-me.png");
        File.Copy(run.PathOf(Path.Combine("scenes", "images", "val", "000002.png")), image);
        var hidden = run.PathOf("scenes-hidden");
        Directory.Move(run.PathOf("scenes"), hidden);
        try
        {
            var saved = run.PathOf("predictions");
            var request = new PredictRequest(SaveDirectory: saved) { Segmentation = new SegmentationTestOptions { Tta = new TestTimeAugmentation([1.0]) } };
            var prediction = (SegmentationPrediction)TaskRegistry.Get("segment", "unet").Predict(trained, [image], request).Single();
            using var scope = TensorScope.Begin();
            var indices = ImageCodec.Read(prediction.MaskFile!, ImageReadMode.Indices)[0].Long().Flatten().ToArray<long>();
            var colours = ImageCodec.Read(prediction.MaskFile!, ImageReadMode.Rgb).Long().Flatten(1).ToArray<long>();
            int n = indices.Length;
            Assert.True(indices.Distinct().Count() >= 2, "the prediction has a single class; the palette check needs two");
            for (int p = 0; p < n; p++)
            {
                var want = TinySegmentationRun.Palette[indices[p]];
                Assert.Equal((long[])[want.R, want.G, want.B], new[] { colours[p], colours[n + p], colours[2 * n + p] });
            }
            // TTA at scale 1 with flip is the same model run: the mask equals the Segmenter's with the same settings.
            using var direct = new Segmenter(trained, test: request.Segmentation).Segment(image);
            Assert.Equal(direct.ClassAreas, prediction.Areas.Select(a => a.Pixels));
        }
        finally
        {
            Directory.Move(hidden, run.PathOf("scenes"));
        }
    }
}
