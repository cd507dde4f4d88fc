using Osprey.Data;
using Osprey.Data.Transforms;
using Osprey.Models.Detection.Detr;
using Osprey.Tests.Data;
using Osprey.Tests.Models.Detection.Detr;
using Osprey.Training;
using Osprey.Training.Detection;

namespace Osprey.Tests.Training.Detection;

/// <summary>
/// A DETR training step through the <see cref="Trainer"/>: two images of different sizes padded into one batch by the
/// detect task's collate, the model's padding mask from it, the set criterion's terms as the run logs them — equal to
/// the official facebookresearch/detr code on the same padded batch and weights (the detr_step fixture of
/// tools/reference/detr_step_reference.py: nested_tensor_from_tensor_list + SetCriterion, dropout 0), within
/// 1e-5 * max(1, |official|).
/// </summary>
public class DetrTrainerStepTests
{
    /// <summary>The fixture's images and targets as samples: pixel boxes (x0, y0, x1, y1) from its normalized (cx, cy, w, h).</summary>
    sealed class FixtureImages(Fixture f) : IDataset<Sample>
    {
        public int Count => 2;

        public Sample Get(int index)
        {
            var image = f[$"image{index}"].Clone();
            long h = image.Size(1), w = image.Size(2);
            var scale = Tensor.From(new float[] { w, h, w, h });
            var boxes = Osprey.Models.Detection.Boxes.BoxFormat.CxCyWhToXyXy(f[$"target{index}.boxes"]) * scale;
            return new Sample(image) { Boxes = boxes, BoxLabels = f[$"target{index}.labels"].Clone(), Source = $"detr_step[{index}]" };
        }
    }

    [Fact]
    public void APaddedBatchOfTwoSizesTrainsWithTheOfficialLoss()
    {
        using var fixtureScope = TensorScope.Begin();
        var f = Fixture.Load("detr_step");
        using var runs = new TempFolder();
        var classes = Enumerable.Range(0, 91).Select(i => $"c{i}").ToArray();
        Tensor? mask = null;
        var task = new DelegatingTask(new DetrTask(), data: o => new TaskData(new FixtureImages(f), null, new Compose(), new Compose(),
                                                                              classes, 3, 128, Normalize.ImageNetMean, Normalize.ImageNetStd, "detr_step fixture"))
        {
            Seen = batch => mask ??= fixtureScope.Keep(batch.Input.Mask.Clone()),
        };
        var options = TrainOptions.For("detect", "detr-r50") with
        {
            Data = "detr_step", Epochs = 1, Batch = 2, Workers = 0, Val = false, Project = runs.Root,
            ModelOptions = new ModelOptionValues([new("dropout", "0")]),
        };
        var steps = new List<BatchProgress>();
        using (var trainer = Trainer.Create(options, [new Weights(), new Steps(steps)], task))
        {
            Assert.IsType<PadCollate>(trainer.Task.Collate);
            trainer.Train();
        }

        // The two images (3 x 96 x 128 and 3 x 60 x 80) share one padded tensor, the mask true on the second's padding.
        Assert.NotNull(mask);
        Assert.Equal(f["mask"].ToArray<bool>(), mask!.ToArray<bool>());
        var step = Assert.Single(steps);
        var official = Official(f);
        Assert.Equal(official.Keys.Order(), step.MeanTerms.Keys.Where(official.ContainsKey).Order());
        foreach (var (name, expected) in official)
            Assert.True(Math.Abs(step.MeanTerms[name] - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)),
                        $"{name}: {step.MeanTerms[name]:G9}, official {expected:G9}");
        double total = f["step0.total"].Double().Item<double>();
        Assert.True(Math.Abs(step.Loss - total) <= 1e-5 * Math.Max(1, total), $"total {step.Loss:G9}, official {total:G9}");
    }

    /// <summary>The run's terms from the official per-layer losses: each weighted (ce 1, bbox 5, GIoU 2) and summed over layers.</summary>
    static Dictionary<string, double> Official(Fixture f)
    {
        var result = new Dictionary<string, double>();
        foreach (var (name, weight) in new[] { ("loss_ce", 1.0), ("loss_bbox", 5.0), ("loss_giou", 2.0) })
            result[name] = weight * f.Tensors.Where(p => p.Key == $"step0.{name}" || (p.Key.StartsWith($"step0.{name}_") && char.IsAsciiDigit(p.Key[^1])))
                                             .Sum(p => p.Value.Double().Item<double>());
        return result;
    }

    /// <summary>Fills the run's model by the reference script's weight recipe before the first step.</summary>
    sealed class Weights : ITrainerCallback
    {
        public void OnTrainStart(Trainer trainer) => DetrTrainingStepTests.FillByRecipe(trainer.Model, 0);
    }

    sealed class Steps(List<BatchProgress> steps) : ITrainerCallback
    {
        public void OnBatchEnd(Trainer trainer, BatchProgress progress) => steps.Add(progress);
    }
}
