using Osprey.Tests.Data;
using Osprey.Training;

namespace Osprey.Tests.Training;

/// <summary>amp=true (bf16 autocast over the training forward and loss): the same run's first-epoch loss within 2% of the
/// float32 run's, not equal to it (bf16 did run), weights kept float32, and the model still learns the tiny task.</summary>
public class AmpTrainingTests
{
    [Fact]
    public void Bf16AutocastTrainsLikeFloat32()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        var options = TrainingSetup.Tiny(data.Root, runs.Root, epochs: 8);
        var (full, amp) = (new TrainingSetup.Recorder(), new TrainingSetup.Recorder());
        using (var trainer = Trainer.Create(options with { Name = "fp32" }, [full])) trainer.Train();
        using (var trainer = Trainer.Create(options with { Name = "amp", Amp = true }, [amp]))
        {
            trainer.Train();
            Assert.All(trainer.Model.Parameters(), p => Assert.Equal(DType.Float32, p.DType));
        }
        double a = amp.Epochs[0].TrainTerms["loss"], f = full.Epochs[0].TrainTerms["loss"];
        Assert.InRange(Math.Abs(a - f), 1e-7, 0.02 * f);
        Assert.Equal(1.0, amp.Epochs[^1].Metrics["metrics/accuracy_top1"]);
    }
}
