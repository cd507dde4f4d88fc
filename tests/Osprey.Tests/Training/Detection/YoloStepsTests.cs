using Osprey.Models;
using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Training;
using Osprey.Training.Detection;

namespace Osprey.Tests.Training.Detection;

public class YoloStepsTests
{
    // 4 images a batch: ultralytics accumulates round(interp(i, [0, 100], [1, 64 / 4])) batches per step during warm-up.
    static readonly TrainingPlan Plan = new(Images: 40, BatchesPerEpoch: 10, Epochs: 3, Batch: 4);

    static List<bool> Run(long from, long to)
    {
        using var model = ModelRegistry.Create("yolo11n", new ModelArgs(NumClasses: 2));
        var steps = YoloSteps.Create(model, 2, TrainOptions.For("detect", "yolo11n"), Plan);
        using var optimizer = steps.Optimizer;
        Assert.Null(steps.Scheduler);
        var stepped = new List<bool>();
        for (long i = from; i < to; i++)
        {
            steps.BeforeBatch(i);
            using (var scope = TensorScope.Begin())
                Tensor.Stack(model.Parameters().Select(p => p.Sum()).ToArray()).Sum().Backward();
            stepped.Add(steps.AfterBackward(i));
        }
        return stepped;
    }

    [Fact]
    public void AccumulatesAsUltralyticsAndResumesWithTheSameStepDecisions()
    {
        var full = Run(0, 30);
        // Accumulation 1 for iterations 0-3 (round(1 + 15 i / 100) = 1), then 2: a step every other batch.
        Assert.Equal([true, true, true, true, false, true, false, true], full.Take(8));
        // A run started at iteration 17 (a resume) steps exactly where the uninterrupted one does.
        Assert.Equal(full.Skip(17), Run(17, 30));
    }
}
