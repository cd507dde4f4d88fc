using System.Globalization;
using Osprey.Models;
using Osprey.Tests.Data;
using Osprey.Training;
using Osprey.Training.Classification;

namespace Osprey.Tests.Training;

public class LossTermsTests
{
    /// <summary>Classification whose loss reports two terms: the cross-entropy and a quarter of it (the total stays the cross-entropy).</summary>
    sealed class TwoTerms() : DelegatingTask(new ClassificationTask(), ["ce", "quarter"])
    {
        protected override bool ChangeValidation => true;
        protected override LossTerms Change(LossTerms loss) => new(loss.Total, [("ce", loss.Total), ("quarter", loss.Total * 0.25)]);
    }

    [Fact]
    public void EveryTermGetsATrainAndAValColumnAveragedOverTheEpoch()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        var recorder = new TrainingSetup.Recorder();
        using (var trainer = Trainer.Create(TrainingSetup.Tiny(data.Root, runs.Root, epochs: 2), [recorder], new TwoTerms()))
            trainer.Train();
        var rows = File.ReadAllLines(Path.Combine(runs.Root, "classify", "train", Trainer.ResultsFile));
        var header = rows[0].Split(',');
        Assert.Equal(["epoch", "time", "train/ce", "train/quarter", "metrics/accuracy_top1", "metrics/accuracy_top5", "val/ce", "val/quarter", "lr/pg0", "lr/pg1"], header);
        Assert.Equal(3, rows.Length);
        foreach (var row in rows.Skip(1))
        {
            var v = row.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(v[2] / 4, v[3], v[2] * 1e-5);   // means of ce and ce/4 over the same batches (6 significant digits written)
            Assert.Equal(v[6] / 4, v[7], v[6] * 1e-5);
        }
        Assert.Equal(recorder.Epochs[1].TrainTerms["ce"] / 4, recorder.Epochs[1].TrainTerms["quarter"], 1e-12);
        Assert.Equal(["ce", "quarter"], recorder.Epochs[1].ValTerms.Keys);
    }

    [Fact]
    public void ATermTheTaskDoesNotDeclareIsNamed()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        using var trainer = Trainer.Create(TrainingSetup.Tiny(data.Root, runs.Root, epochs: 1), task: new Undeclared());
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Train());
        Assert.Contains("reported terms [loss, extra]; the task declares [loss]", e.Message);
    }

    sealed class Undeclared() : DelegatingTask(new ClassificationTask())
    {
        protected override LossTerms Change(LossTerms loss) => new(loss.Total, [("loss", loss.Total), ("extra", loss.Total)]);
    }
}
